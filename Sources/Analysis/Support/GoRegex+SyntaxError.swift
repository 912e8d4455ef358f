extension GoRegex {
    /// A pattern Go's regexp refuses, with Go's message; or, rarely, one Go accepts and RE2, which
    /// runs it, cannot read (`\p{Kawi}`: Debian's RE2 predates that Unicode script).
    public struct SyntaxError: Error, CustomStringConvertible, Sendable {
        /// Go's words, as regexp.Compile's error has them after "error parsing regexp: "; nil
        /// when Go accepts the pattern.
        public let goMessage: String?
        public let description: String

        static func go(_ code: String, _ expression: String) -> SyntaxError {
            let message = "\(code): `\(expression)`"
            return SyntaxError(goMessage: message, description: hint(code, expression).map { message + "; " + $0 } ?? message)
        }

        static func unsupported(_ reason: String) -> SyntaxError {
            SyntaxError(goMessage: nil, description: "accepted by Go's regexp, but not by RE2: " + reason)
        }

        /// RE2's refusal (its RE2::ErrorCode and the part of the pattern it names), in Go's words:
        /// Go's regexp/syntax is a port of RE2's parser, with the same errors named otherwise.
        static func re2(code: Int32, expression: String) -> SyntaxError {
            // A class Go knows, refused by RE2: a script newer than RE2's Unicode tables.
            if code == 4, expression.hasPrefix("\\p{") || expression.hasPrefix("\\P{"),
               GoRegexClasses.lookup(String(expression.dropFirst(3).dropLast().trimmingPrefix("^"))) != nil {
                return unsupported("\(expression) is newer than RE2's Unicode tables")
            }
            let goCodes = [
                1: "regexp/syntax: internal error", 2: "invalid escape sequence", 3: "invalid character class",
                4: "invalid character class range", 5: "missing closing ]", 6: "missing closing )", 7: "unexpected )",
                8: "trailing backslash at end of expression", 9: "missing argument to repetition operator",
                10: "invalid repeat count", 11: "invalid nested repetition operator", 12: "invalid or unsupported Perl syntax",
                13: "invalid UTF-8", 14: "invalid named capture", 15: "expression too large",
            ]
            return go(goCodes[Int(code)] ?? "RE2 error \(code)", expression)
        }

        /// What other engines have and Go does not, where Go's message does not say it.
        private static func hint(_ code: String, _ expression: String) -> String? {
            if expression.hasPrefix("(?<=") || expression.hasPrefix("(?<!") { return "Go's regexp has no lookbehind" }
            if expression == "(?=" || expression == "(?!" { return "Go's regexp has no lookahead" }
            if expression == "(?>" { return "Go's regexp has no atomic groups" }
            if code == "invalid escape sequence", ["\\1", "\\2", "\\3", "\\4", "\\5", "\\6", "\\7", "\\8", "\\9", "\\k", "\\g"].contains(expression) {
                return "Go's regexp has no backreferences"
            }
            if code == "invalid nested repetition operator" && expression.hasSuffix("+") { return "Go's regexp has no possessive quantifiers" }
            return nil
        }
    }
}
