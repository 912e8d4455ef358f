import Analysis
import Foundation
import Testing

/// ICU backtracks where Go's RE2 does not: a match that runs past GoRegex.matchTimeLimit is
/// abandoned and the expression marked, so that a pathological pattern can never hang a
/// command (found by RandomCommandLineTests: `--focus '(.*)*(.*)*(.*)*(.*)*(.*)*Q'` ran for
/// minutes on the AP1 sample).
@Suite struct GoRegexTimeLimitTests {
    func timed(_ body: () -> Bool) -> (Bool, TimeInterval) {
        let start = Date()
        let result = body()
        return (result, Date().timeIntervalSince(start))
    }

    @Test(arguments: [
        ("(.*)*(.*)*(.*)*(.*)*(.*)*Q", "runtime.mapaccess2_faststr.something.long"),
        ("(a|aa)*$", String(repeating: "a", count: 60) + "b"),
        (".*Q", String(repeating: "a", count: 100_000)),   // quadratic: a minute without the limit
    ])
    func aPathologicalMatchIsAbandoned(_ pattern: String, _ name: String) throws {
        let regex = try GoRegex(pattern)
        let (matched, seconds) = timed { regex.matches(name) }
        #expect(!matched && regex.exceededTimeLimit)
        #expect(seconds < GoRegex.matchTimeLimit + 2, "took \(seconds) s")
        // Marked: later names are not tried again.
        let (again, later) = timed { regex.matches(name) }
        #expect(!again && later < 0.05)
    }

    @Test func ordinaryPatternsAreNotAffected() throws {
        for (pattern, name, expected) in [("sha256", "crypto/sha256.block", true), (#"^runtime\.map(access|assign)\d?(_fast.*)?$"#, "runtime.mapaccess2_faststr", true),
                                          ("(Expire|Touch)+$", "main.(*SessionCache).Touch", true), ("x+y", "main.main", false)] {
            let regex = try GoRegex(pattern)
            #expect(regex.matches(name) == expected, "\(pattern) on \(name)")
            #expect(!regex.exceededTimeLimit)
        }
    }

    @Test func theEmptyPatternMatchesEverythingAsInGo() throws {
        let regex = try GoRegex("")
        #expect(regex.matches("main.main") && regex.matches(""))
        #expect(try GoRegex("", anchored: true).matches(""))
        #expect(!(try GoRegex("", anchored: true).matches("x")))
    }
}
