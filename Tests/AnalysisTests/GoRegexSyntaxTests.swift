@testable import Analysis
import Testing

/// Go's regular expressions name groups as `(?P<name>re)` or `(?<name>re)` (Go 1.22+), names
/// with `_`; ICU knows only the second, without `_`. Hand-written expectations.
@Suite struct GoRegexSyntaxTests {
    @Test func namedGroupsMatchAsPlainGroups() throws {
        #expect(try GoRegex(#"(?P<call_site>main\.)work"#).matches("main.work"))
        #expect(try GoRegex(#"(?<site>main\.)work"#).matches("main.work"))
        #expect(try !GoRegex(#"(?P<site>main\.)work"#).matches("main.rest"))
    }

    @Test func onlyGroupOpeningsAreRewritten() {
        #expect(GoRegex.unnamingGroups(#"(?P<a_b>x)(?<c>y)"#) == "(x)(y)")
        // Escaped, inside a class (even after a leading "]"), and lookbehind: left alone.
        #expect(GoRegex.unnamingGroups(#"\(?P<a>x"#) == #"\(?P<a>x"#)
        #expect(GoRegex.unnamingGroups("[(?P<a>]x") == "[(?P<a>]x")
        #expect(GoRegex.unnamingGroups("[]()?P<a>]x") == "[]()?P<a>]x")
        #expect(GoRegex.unnamingGroups("(?<=a)b") == "(?<=a)b")
    }
}
