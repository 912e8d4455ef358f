@testable import Analysis
import Testing

/// Expected strings are worked out by hand from pprof's rules (internal/measurement).
@Suite struct MeasurementTests {
    @Test func scalesTimeToTheLargestUnitAtLeastOne() {
        #expect(Measurement.scaledLabel(1_760_000_000, from: "nanoseconds", to: "minimum") == "1.76s")
        #expect(Measurement.scaledLabel(10_000_000, from: "nanoseconds", to: "minimum") == "10ms")
        #expect(Measurement.scaledLabel(999, from: "nanoseconds", to: "minimum") == "999ns")
        #expect(Measurement.scaledLabel(7_200_000_000_000, from: "nanoseconds", to: "minimum") == "2hrs")
        #expect(Measurement.scaledLabel(10_000_000, from: "nanoseconds", to: "s") == "0.01s")
    }

    @Test func scalesBytesByPowersOf1024() {
        #expect(Measurement.scaledLabel(1024, from: "bytes", to: "minimum") == "1kB")
        #expect(Measurement.scaledLabel(1536, from: "bytes", to: "minimum") == "1.50kB")
        #expect(Measurement.scaledLabel(3 << 30, from: "bytes", to: "minimum") == "3GB")
        #expect(Measurement.scaledLabel(512 << 10, from: "bytes", to: "MB") == "0.50MB")
    }

    @Test func countsHaveNoUnitAndUnknownUnitsAreKept() {
        #expect(Measurement.scaledLabel(190, from: "count", to: "count") == "190")
        #expect(Measurement.scaledLabel(5, from: "objects", to: "objects") == "5objects")
        #expect(Measurement.scaledLabel(0, from: "bytes", to: "MB") == "0")
        #expect(Measurement.scaledLabel(-2048, from: "bytes", to: "kB") == "-2kB")
    }

    @Test func percentagesFollowPprofsThreeForms() {
        #expect(Measurement.percentage(100, of: 100) == "  100%")
        #expect(Measurement.percentage(9996, of: 10000) == "  100%")
        #expect(Measurement.percentage(128, of: 176) == "72.73%")
        #expect(Measurement.percentage(1, of: 176) == " 0.57%")
        #expect(Measurement.percentage(1, of: 100_000) == "0.001%")
        #expect(Measurement.percentage(1, of: 10_000_000) == "1e-05%")
        #expect(Measurement.percentage(0, of: 100) == "    0%")
        #expect(Measurement.percentage(-50, of: 100) == "50.00%")
        #expect(Measurement.percentage(5, of: 0) == "    0%")
    }

    @Test func outputUnitLetsTheSmallestValueShowAsHundredths() {
        // Smallest row 10ms, total 1.76s: units differ and 100*10ms < 1.76s is false -> ms.
        #expect(Measurement.outputUnit(sampleUnit: "nanoseconds", minValue: 10_000_000, maxValue: 1_760_000_000) == "s")
        #expect(Measurement.outputUnit(sampleUnit: "nanoseconds", minValue: 10_000_000, maxValue: 5_000_000_000) == "s")
        #expect(Measurement.outputUnit(sampleUnit: "bytes", minValue: 512, maxValue: 512) == "B")
        #expect(Measurement.outputUnit(sampleUnit: "count", minValue: 1, maxValue: 100) == "count")
    }
}

@Suite struct GoTimeTests {
    @Test func formatsLikeGosLayoutInUTC() {
        #expect(GoTime.format(unixNanos: 0) == "Jan 1, 1970 at 12:00am (UTC)")
        #expect(GoTime.format(unixNanos: 15_000_000_000) == "Jan 1, 1970 at 12:00am (UTC)")
        // 2017-09-29 20:57:00 UTC = 1506718620 s.
        #expect(GoTime.format(unixNanos: 1_506_718_620_000_000_000) == "Sep 29, 2017 at 8:57pm (UTC)")
        // 2000-02-29 12:05 UTC = 951825900 s: a leap day at noon.
        #expect(GoTime.format(unixNanos: 951_825_900_000_000_000) == "Feb 29, 2000 at 12:05pm (UTC)")
        // One second before the epoch.
        #expect(GoTime.format(unixNanos: -1_000_000_000) == "Dec 31, 1969 at 11:59pm (UTC)")
    }
}
