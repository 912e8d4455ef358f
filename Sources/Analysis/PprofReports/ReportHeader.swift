import Pprof

/// The lines `go tool pprof` prints above a report: main binary, build id, comments, sample
/// type, collection time and duration.
public enum ReportHeader {
    public static func lines(profile: Profile, sampleType: ValueType, total: Int64, compatibility: PprofCompatibility,
                             format: (Int64) -> String) -> [String] {
        var lines: [String] = []
        if let main = profile.mappings.first {
            if !main.filename.isEmpty { lines.append("File: " + FrameTable.baseName(main.filename)) }
            if !main.buildID.isEmpty { lines.append("Build ID: " + main.buildID) }
        }
        // Comments starting with '#' are meant for tools, not people.
        lines.append(contentsOf: profile.comments.filter { !$0.hasPrefix("#") })
        if !sampleType.type.isEmpty { lines.append("Type: " + sampleType.type) }
        if profile.timeNanos != 0 { lines.append("Time: " + GoTime.format(unixNanos: profile.timeNanos, compatibility)) }
        if profile.durationNanos != 0 {
            let duration = Measurement.label(profile.durationNanos, unit: "nanoseconds")
            let (totalNanos, unit) = Measurement.scale(total, from: sampleType.unit, to: "nanoseconds")
            var ratio = ""
            if unit == "ns" && totalNanos != 0 {
                ratio = "(" + Measurement.percentage(Int64(totalNanos), of: profile.durationNanos) + ")"
            }
            lines.append("Duration: \(duration), Total samples = \(format(total)) \(ratio)")
        }
        return lines
    }
}
