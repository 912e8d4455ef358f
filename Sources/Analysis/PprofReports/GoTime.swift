/// Formats a Unix time in nanoseconds as pprof's "Time:" line does, in UTC: Go 1.27's layout
/// "2006-01-02 15:04:05 MST", or Go 1.19's "Jan 2, 2006 at 3:04pm (MST)".
enum GoTime {
    static func format(unixNanos: Int64, _ compatibility: PprofCompatibility) -> String {
        switch compatibility {
        case .go119: return format(unixNanos: unixNanos)
        case .current: return iso(unixNanos: unixNanos)
        }
    }

    /// "2021-02-10 09:43:34 UTC".
    static func iso(unixNanos: Int64) -> String {
        let (year, month, day, secondOfDay) = split(unixNanos)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let yearText = year >= 0 && year < 10000 ? String(repeating: "0", count: 4 - String(year).count) + String(year) : String(year)
        return "\(yearText)-\(two(month))-\(two(day)) \(two(secondOfDay / 3600)):\(two(secondOfDay % 3600 / 60)):\(two(secondOfDay % 60)) UTC"
    }

    /// Calendar date and second of the day, in UTC (floor division: times before 1970 land on
    /// the right day).
    private static func split(_ unixNanos: Int64) -> (Int64, Int, Int, Int) {
        var seconds = unixNanos / 1_000_000_000
        if unixNanos % 1_000_000_000 < 0 { seconds -= 1 }
        var days = seconds / 86_400
        var secondOfDay = seconds % 86_400
        if secondOfDay < 0 {
            secondOfDay += 86_400
            days -= 1
        }
        let (year, month, day) = civilDate(daysSinceEpoch: days)
        return (year, month, day, Int(secondOfDay))
    }

    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// "Feb 10, 2021 at 9:43am (UTC)".
    static func format(unixNanos: Int64) -> String {
        let (year, month, day, secondOfDay) = split(unixNanos)
        let hour = secondOfDay / 3600
        let minute = secondOfDay % 3600 / 60
        let hour12 = hour % 12 == 0 ? 12 : hour % 12
        let meridiem = hour < 12 ? "am" : "pm"
        let minuteText = minute < 10 ? "0\(minute)" : "\(minute)"
        return "\(months[month - 1]) \(day), \(year) at \(hour12):\(minuteText)\(meridiem) (UTC)"
    }

    /// Gregorian year, month and day for a count of days since 1970-01-01.
    static func civilDate(daysSinceEpoch: Int64) -> (Int64, Int, Int) {
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = Int(dayOfYear - (153 * monthIndex + 2) / 5 + 1)
        let month = Int(monthIndex < 10 ? monthIndex + 3 : monthIndex - 9)
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }
}
