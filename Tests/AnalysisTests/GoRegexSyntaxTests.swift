@testable import Analysis
import Foundation
import Testing

/// GoRegex reads Go's syntax, not ICU's: it accepts exactly what Go's regexp.Compile accepts,
/// refuses the rest with Go's message (Goldens/go-regexp-syntax.txt, written by Go; see
/// Goldens/COMMANDS.md), and matches as Go does where ICU reads the same text otherwise.
@Suite struct GoRegexSyntaxTests {
    struct Verdict: CustomTestStringConvertible, Sendable {
        var pattern: String
        /// Go's error, nil when Go accepts the pattern.
        var goError: String?
        var testDescription: String { (goError == nil ? "accept " : "refuse ") + pattern }
    }

    static let verdicts: [Verdict] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Goldens/go-regexp-syntax.txt")
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { line in
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            return Verdict(pattern: fields.count > 1 ? fields[1] : "", goError: fields[0] == "refuse" ? fields.count > 2 ? fields[2] : "" : nil)
        }
    }()

    @Test func theGoldenHasBothVerdicts() {
        #expect(Self.verdicts.count > 100)
        #expect(Self.verdicts.contains { $0.goError == nil } && Self.verdicts.contains { $0.goError != nil })
    }

    @Test(arguments: verdicts) func acceptsExactlyWhatGoAccepts(_ verdict: Verdict) {
        do {
            _ = try GoRegex(verdict.pattern)
            #expect(verdict.goError == nil, "Go refuses \(verdict.pattern): \(verdict.goError ?? "")")
        } catch let error as GoRegex.SyntaxError {
            #expect(verdict.goError != nil, "Go accepts \(verdict.pattern), refused: \(error)")
            if let goError = verdict.goError {
                #expect(error.goMessage.map { "error parsing regexp: " + $0 } == goError)
                #expect(error.description.hasPrefix(error.goMessage ?? "") && !error.description.contains("\n"))
            }
        } catch {
            Issue.record("\(verdict.pattern): \(error)")
        }
    }

    /// Expectations from Go 1.27's regexp.MatchString, on patterns ICU reads otherwise.
    @Test(arguments: [
        (#"\pL"#, "é", true), (#"\pL"#, "1", false), (#"\p{^Greek}"#, "α", false), (#"\p{^Greek}"#, "a", true),
        (#"\p{greek}"#, "α", true), (#"\p{Assigned}"#, "a", true), (#"\P{Assigned}"#, "\u{E0080}", true),
        (#"\d"#, "٣", false), (#"\s"#, "\u{A0}", false), (#"\w"#, "é", false), ("[[:alpha:]]", "é", false), ("[[:alpha:]]", "b", true),
        ("[a&&b]", "&", true), ("[a-z--b]", "-", true), ("[a[b]]", "a", false), ("[a[b]]", "[]", true),
        ("[:alpha:]", ":", true), ("[:alpha:]", "b", false), ("[]a]", "]", true), ("[[]", "[", true), (#"[\d-z]"#, "-", true),
        ("a$", "a\n", false), ("(?m)a$", "a\nb", true), ("a{", "a{", true), ("a{,2}", "a{,2}", true), ("a{01}", "a{01}", true),
        (#"\101"#, "A", true), (#"\0"#, "\u{0}", true), (#"\10"#, "\u{8}", true), (#"\v"#, "\u{B}", true), (#"\v"#, "\n", false),
        (#"\Q.\E"#, ".", true), (#"\Q.\E"#, "x", false), ("(?i)a|b", "B", true), (#"\b{wb}"#, "a{wb}", true), (#"\B{2}"#, "ab", true),
        ("(?U)a+", "aa", true), (#"\x{D800}"#, "a", false), ("(?s).", "\n", true), (".", "\n", false),
        (#"(?P<call_site>main\.)work"#, "main.work", true), (#"(?<site>main\.)work"#, "main.work", true), (#"(?P<site>main\.)work"#, "main.rest", false),
    ])
    func matchesAsGoDoes(_ pattern: String, _ text: String, _ expected: Bool) throws {
        #expect(try GoRegex(pattern).matches(text) == expected)
    }

    @Test func anchoredIsTheWholeName() throws {
        let regex = try GoRegex("a|b", anchored: true)
        #expect(regex.matches("b") && !regex.matches("ab") && !regex.matches("b\n"))
    }

    @Test func namedGroupsAreWrittenAsPlainGroups() throws {
        #expect(try GoRegexSyntax.icuPattern(#"(?P<a_b>x)(?<c>y)"#) == "(x)(y)")
    }

    /// Every `\p{name}` Go knows compiles, but for the scripts newer than the system's ICU.
    @Test func icuKnowsGoUnicodeClasses() {
        let names = (GoRegexClasses.categoryNames + " " + GoRegexClasses.scriptNames).split(separator: " ")
            + GoRegexClasses.categoryAliases.split(separator: " ").map { $0.split(separator: "=")[0] }
        let unicode17Scripts: Set = ["Beria_Erfe", "Sidetic", "Tai_Yo", "Tolong_Siki"]
        for name in names where !unicode17Scripts.contains(String(name)) {
            #expect((try? GoRegex(#"\p{"# + name + "}")) != nil, "\\p{\(name)}")
        }
    }

    @Test func refusalsSayWhatGoLacks() {
        for (pattern, words) in [("(?<=a)b", "no lookbehind"), ("a(?!b)", "no lookahead"), ("(?>a)", "no atomic groups"),
                                 (#"(a)\1"#, "no backreferences"), ("a++", "no possessive quantifiers"), ("a{2}+", "no possessive quantifiers")] {
            #expect(throws: GoRegex.SyntaxError.self) { try GoRegex(pattern) }
            do { _ = try GoRegex(pattern) } catch { #expect("\(error)".contains(words), "\(pattern): \(error)") }
        }
    }
}
