@testable import Analysis
import Foundation
import Testing

/// GoRegex reads Go's syntax: it accepts exactly what Go's regexp.Compile accepts, refuses the
/// rest with Go's message (Goldens/go-regexp-syntax.txt, written by Go; see
/// Goldens/COMMANDS.md), and matches as Go does, where RE2 and Go part (GoRegexDialect) too.
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

    /// Where Debian's RE2 parts from Go and the pattern is not rewritten: RE2 counts the
    /// repetitions under `{0}` against its limit of 1000, Go does not.
    static let knownDifferences = [#"((a{1000}){0}){2}"#: "invalid repeat count: `{2}`"]

    @Test(arguments: verdicts) func acceptsExactlyWhatGoAccepts(_ verdict: Verdict) {
        if let re2Message = Self.knownDifferences[verdict.pattern] {
            #expect(throws: GoRegex.SyntaxError.self) { try GoRegex(verdict.pattern) }
            do { _ = try GoRegex(verdict.pattern) } catch { #expect("\(error)" == re2Message) }
            return
        }
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

    /// Expectations from Go 1.27's regexp.MatchString: patterns ICU read otherwise, and the
    /// ones GoRegexDialect writes for RE2.
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
        (#"\pC"#, "\u{378}", true), (#"\p{Cn}"#, "\u{378}", true), (#"\p{Cn}"#, "a", false), (#"\p{Assigned}"#, "\u{378}", false),
        (#"\p{Other}"#, "\u{378}", true), (#"\PC"#, "\u{378}", false), (#"[\PC]"#, "a", true), (#"\p{LC}"#, "ǅ", true), (#"\P{LC}"#, "ǅ", false),
        (#"[^\p{ASCII}]"#, "é", true), (#"[^\p{ASCII}]"#, "e", false), (#"[\P{ASCII}]"#, "é", true), (#"\p{^ascii}"#, "é", true),
        (#"\p{Letter}"#, "é", true), (#"\p{Old Italic}"#, "\u{10300}", true), (#"\p{old_italic}"#, "a", false), (#"\pl"#, "a", true),
        (#"\Q\p{x}\E"#, #"\p{x}"#, true), (#"\x{41}{2}"#, "AA", true), (#"[]a]{2}"#, "]a", true), (#"[[:alpha:]\p{greek}]"#, "α", true),
        ("a{0123456789}", "a{0123456789}", true), (#"(?<a1_>x)\x{3c}"#, "x<", true),
    ])
    func matchesAsGoDoes(_ pattern: String, _ text: String, _ expected: Bool) throws {
        #expect(try GoRegex(pattern).matches(text) == expected)
    }

    @Test func anchoredIsTheWholeName() throws {
        let regex = try GoRegex("a|b", anchored: true)
        #expect(regex.matches("b") && !regex.matches("ab") && !regex.matches("b\n"))
        #expect(try GoRegex("", anchored: true).matches("") && !(try GoRegex("", anchored: true).matches("x")))
    }

    @Test func theEmptyPatternMatchesEverythingAsInGo() throws {
        let regex = try GoRegex("")
        #expect(regex.matches("main.main") && regex.matches(""))
    }

    /// RE2 takes time linear in the text whatever the pattern, as Go does: what a backtracking
    /// engine takes minutes on (ICU did, before RE2) is answered at once, and rightly. (The
    /// limit is wall time from the start, which a loaded make test can spend waiting for a
    /// thread: five minutes, far under what backtracking `(a|aa)*c` over 60 a's would take.)
    @Test(.timeLimit(.minutes(5)), arguments: [
        ("(.*)*(.*)*(.*)*(.*)*(.*)*Q", "runtime.mapaccess2_faststr.something.long", false),
        ("(a|aa)*c", String(repeating: "a", count: 60) + "b", false),
        (".*Q", String(repeating: "a", count: 100_000), false),
        (".*Q", String(repeating: "a", count: 100_000) + "Q", true),
    ])
    func pathologicalPatternsMatchInLinearTime(_ pattern: String, _ text: String, _ expected: Bool) throws {
        let regex = try GoRegex(pattern)
        let started = ContinuousClock.now
        #expect(regex.matches(text) == expected)
        #expect(ContinuousClock.now - started < .seconds(2))
    }

    /// One GoRegex matched from many threads at once answers each as alone.
    @Test func matchingFromManyThreadsAtOnce() async throws {
        let regex = try GoRegex(#"^runtime\.map(access|assign)\d?(_fast\w+)?$"#)
        let names = (0..<2000).map { $0 % 3 == 0 ? "runtime.mapassign_faststr" : $0 % 3 == 1 ? "main.work\($0)" : "runtime.mapaccess2" }
        let matched = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<8 { group.addTask { names.filter(regex.matches).count } }
            return await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(matched == Array(repeating: names.filter { $0.hasPrefix("runtime.") }.count, count: 8))
    }

    /// Every `\p{name}` Go knows compiles, but the scripts newer than RE2's Unicode tables
    /// (Debian 12's RE2 has Unicode 15), which are refused saying so.
    @Test func re2KnowsGoUnicodeClasses() {
        let names: [String] = (GoRegexClasses.categoryNames + " " + GoRegexClasses.scriptNames).split(separator: " ").map(String.init)
            + GoRegexClasses.categoryAliases.split(separator: " ").map { String($0.split(separator: "=")[0]) }
            + ["Any", "ASCII", "Assigned"]
        let newerScripts: Set<String> = ["Beria_Erfe", "Garay", "Gurung_Khema", "Kirat_Rai", "Ol_Onal", "Sidetic", "Sunuwar", "Tai_Yo",
                                 "Todhri", "Tolong_Siki", "Tulu_Tigalari"]
        for name in names {
            do {
                _ = try GoRegex(#"\p{"# + name + "}")
                #expect(!newerScripts.contains(name), "\\p{\(name)} compiles: RE2's tables are newer")
            } catch {
                #expect(newerScripts.contains(name) && "\(error)".contains("newer than RE2's Unicode tables"), "\\p{\(name)}: \(error)")
            }
        }
        // Negated and loosely named, too.
        do { _ = try GoRegex(#"\p{^garay}"#); Issue.record("\\p{^garay} compiles") } catch {
            #expect("\(error)".contains("newer than RE2's Unicode tables"), "\(error)")
        }
    }

    /// Go's classes that one RE2 bracket class cannot hold are refused inside brackets, saying
    /// so (RE2 has no Cn, so neither C nor Cn, nor the complement of LC or Assigned, is a union).
    @Test(arguments: [#"[\pC]"#, #"[\p{Cn}]"#, #"[^\P{LC}]"#, #"[a\P{Assigned}]"#])
    func classesRE2CannotHoldInBracketsAreRefused(_ pattern: String) {
        do {
            _ = try GoRegex(pattern)
            Issue.record("\(pattern) was accepted")
        } catch {
            #expect("\(error)".contains("not by RE2") && "\(error)".contains("inside a bracket class"), "\(error)")
        }
    }

    /// RE2 names the part of the pattern it refused in the text it was given: a rewritten part
    /// is named as the user wrote it.
    @Test func refusalsNameThePatternAsWritten() throws {
        for (pattern, message) in [("(?<n>a", "missing closing ): `(?<n>a`"), (#"[\p{greek}"#, #"missing closing ]: `[\p{greek}`"#),
                                   (#"(\p{greek}))"#, #"unexpected ): `(\p{greek}))`"#)] {
            do { _ = try GoRegex(pattern); Issue.record("\(pattern) was accepted") } catch { #expect("\(error)" == message) }
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
