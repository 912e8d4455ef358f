import Analysis
import Foundation

/// One anti-pattern rule, as data: which profiles it reads, which frames betray the pattern,
/// the shares at which it fires, and what to tell the user. The built-in rules and a user's
/// `--rules` file use the same JSON format (see README, "Rules").
public struct Rule: Codable, Sendable, Equatable {
    /// AP1..AP4 for the built-in rules; any id for a custom rule. Several rules may share an
    /// id (different evidence for one pattern); the strongest finding per id is kept.
    public var id: String
    public var title: String
    /// Profile kinds read: cpu, heap, goroutine, mutex, block, wallclock, other.
    public var kinds: [String]
    /// Sample types read, in order of preference (the first the profile has is used).
    public var sampleTypes: [String]
    /// Regular expressions over function names; a sample matches when a frame matches one.
    public var frames: [String]
    /// When set, a culprit counts only if it also leads into one of these frames somewhere in
    /// the same profile (AP1: the function that grows the map also ranges over it).
    public var alsoFrames: [String]?
    /// Shares of the sample type's total at which the rule fires at each level (above 1:
    /// never).
    public var thresholds: Thresholds
    /// When set, a matched frame counts only when the frame that calls it matches one of
    /// these (AP2: runtime.throw directly under a map operation).
    public var calledFrom: [String]?
    /// When set, the share counts only samples whose culprit is user code (frames reached
    /// only from the runtime, such as background GC, are left out of the share).
    public var userCulpritsOnly: Bool?
    /// Evidence from another profile of the same program that raises the level by one: the
    /// culprit (or its receiver type) holds at least `minShare` of that profile's total.
    public var corroboration: Corroboration?
    public var explanation: String
    public var fix: String

    public struct Thresholds: Codable, Sendable, Equatable {
        public var info: Double
        public var warning: Double
        public var critical: Double
    }

    public struct Corroboration: Codable, Sendable, Equatable {
        public var kinds: [String]
        public var sampleTypes: [String]
        public var minShare: Double
        public var description: String
    }
}

/// A rules file: `{"rules": [...]}`.
public struct RuleSet: Codable, Sendable {
    public var rules: [Rule]

    /// Why a rules file could not be used.
    public enum LoadError: Error, CustomStringConvertible, Sendable {
        /// The file cannot be read (exit code 66).
        case unreadable(path: String, reason: String)
        /// It is not a valid rules file (a usage error, 64).
        case invalid(String)

        public var description: String {
            switch self {
            case .unreadable(let path, let reason): return "\(path): cannot read the rules file: \(reason)"
            case .invalid(let message): return message
            }
        }
    }

    /// Reads and checks a rules file.
    public static func load(path: String) throws(LoadError) -> RuleSet {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw .unreadable(path: path, reason: (error as NSError).localizedFailureReason ?? "\(error.localizedDescription)")
        }
        return try load(json: data, source: path)
    }

    public static func load(json: Data, source: String) throws(LoadError) -> RuleSet {
        let set: RuleSet
        do {
            set = try JSONDecoder().decode(RuleSet.self, from: json)
        } catch let DecodingError.keyNotFound(key, context) {
            throw LoadError.invalid("\(source): rule is missing \"\(key.stringValue)\" at \(path(context))")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            throw LoadError.invalid("\(source): wrong type at \(path(context))")
        } catch {
            throw LoadError.invalid("\(source): not a rules file: \(error.localizedDescription)")
        }
        for rule in set.rules {
            for pattern in rule.frames + (rule.alsoFrames ?? []) + (rule.calledFrom ?? []) {
                guard (try? GoRegex(pattern)) != nil else {
                    throw LoadError.invalid("\(source): rule \(rule.id): not a valid regular expression: \(pattern)")
                }
            }
            let t = rule.thresholds
            // A threshold above 1 is never reached: a rule can stop at info or warning.
            guard 0 <= t.info && t.info <= t.warning && t.warning <= t.critical else {
                throw LoadError.invalid("\(source): rule \(rule.id): thresholds must satisfy 0 <= info <= warning <= critical")
            }
            guard !rule.frames.isEmpty && !rule.kinds.isEmpty && !rule.sampleTypes.isEmpty else {
                throw LoadError.invalid("\(source): rule \(rule.id): kinds, sampleTypes and frames must not be empty")
            }
        }
        return set
    }

    /// The built-in rules' JSON text.
    public static var builtinJSON: String { BuiltinRules.json + "\n" }

    public static let builtin: RuleSet = {
        // The built-in rules are checked by the tests; a failure here is a build defect.
        try! load(json: Data(BuiltinRules.json.utf8), source: "built-in rules")
    }()

    private static func path(_ context: DecodingError.Context) -> String {
        let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        return path.isEmpty ? "top level" : path
    }
}
