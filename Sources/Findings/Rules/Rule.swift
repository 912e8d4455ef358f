import Analysis
import Foundation

/// One anti-pattern rule, as data: which profiles it reads, which frames betray the pattern,
/// the shares at which it fires, the signals that tell the pattern from its healthy look-alike,
/// and what to tell the user. The built-in rules and a user's `--rules` file use the same JSON
/// format (see README, "Rules").
public struct Rule: Codable, Sendable, Equatable {
    /// AP1..AP4 for the built-in rules; any id for a custom rule. Several rules may share an
    /// id (different evidence for one pattern); the strongest finding per id is kept.
    public var id: String
    public var title: String
    /// Which kind of finding of its pattern the rule reports, when several rules share an id
    /// (AP2's `sync-map`, `lock-contention`, …): lowercase letters, digits and hyphens. SARIF
    /// names the rule `id/variant`, so that each kind has its own descriptor.
    public var variant: String?
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
    /// Which frame is the culprit: `caller` (default), the user's frame nearest above the
    /// match; `allocator`, the user's frame nearest the leaf (heap profiles, whose runtime
    /// frames are dropped, charge memory to the code that allocated it).
    public var culprit: CulpritRule?
    /// What the share is of: `matched` (default), every matched sample; `topCulprit`, the
    /// samples of the heaviest culprit only (one owner holding the heap).
    public var shareOf: ShareBasis?
    /// The smallest amount worth a finding, in the sample type's unit (a heap of a few
    /// kilobytes held by one owner says nothing).
    public var minValue: Double?
    /// The evidence that separates the pattern from what looks like it. With discriminating
    /// signals, a finding reaches warning only when one is seen; share alone gives info.
    public var signals: [SignalSpec]?
    /// What to collect to confirm a finding that lacks its signals (custom rules; shown as is).
    public var confirm: String?
    /// What to collect to confirm a finding, step by step: a finding lists only the steps
    /// whose evidence was not given (the built-in rules use this rather than `confirm`).
    public var confirmWith: [ConfirmStep]?
    /// Whether the culprit's source is checked for the pattern's shape (default: yes). Not
    /// where the culprit is only where the cost lands (garbage collection assists).
    public var checksSource: Bool?
    /// A source check that confirms the pattern's shape counts as the discriminating signal
    /// (default: no): the finding takes its share's level, raised to critical by a confirming
    /// signal as the profile's own evidence would be. For shapes the source can tell apart from
    /// the look-alike (AP1's insert or reassignment of the ranged map, AP3's kept value).
    public var sourceRaises: Bool?
    /// A source check that rules the shape out lowers the finding to info (default: no, and
    /// the contradiction is reported as unknown). It stands only when every user function on
    /// the path from the culprit to the matched frame was read.
    public var sourceLowers: Bool?
    /// The title of a rule of the same pattern that says more about the same code: this
    /// rule's finding is left out where that rule finds the same culprit at the same level or
    /// higher (AP1's "keys inserted" yields to "grown while ranging", which implies it).
    public var yieldsTo: String?
    public var explanation: String
    public var fix: String

    public struct Thresholds: Codable, Sendable, Equatable {
        public var info: Double
        public var warning: Double
        public var critical: Double

        public init(info: Double, warning: Double, critical: Double) {
            self.info = info
            self.warning = warning
            self.critical = critical
        }

        /// The level `value` reaches, if any.
        public func level(of value: Double) -> Finding.Level? {
            if value >= critical { return .critical }
            if value >= warning { return .warning }
            if value >= info { return .info }
            return nil
        }
    }

    public enum CulpritRule: String, Codable, Sendable { case caller, allocator }

    /// One piece of evidence that would confirm a finding, and how to say it.
    public struct ConfirmStep: Codable, Sendable, Equatable {
        /// What must be given for the step to be done: `cpu`, `heap`, `heaps` (two heap
        /// profiles of the run), `mutexOrBlock`, `goroutine`, or `source` (--source-path).
        public var evidence: Evidence
        public var text: String

        public enum Evidence: String, Codable, Sendable { case cpu, heap, heaps, mutexOrBlock, goroutine, source }

        public init(evidence: Evidence, text: String) {
            self.evidence = evidence
            self.text = text
        }
    }
    public enum ShareBasis: String, Codable, Sendable { case matched, topCulprit }
}

/// One signal of a rule: a measurement in the profile (or in another profile of the same
/// program) that the pattern shows and its look-alike does not.
public struct SignalSpec: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        /// Of the matched samples (those that also hold a `within` frame, when given), the
        /// share whose stack holds a `frames` frame: `minShare`.
        case frameShare
        /// The time under the heaviest culprit in `frames` (anywhere below it), as a share of
        /// the profile's total: `minShare`.
        case culpritFrames
        /// The matched samples under the heaviest culprit, as a share of everything under
        /// that culprit (how little else it does): `minShare`.
        case culpritShare
        /// Another heap profile of the program, taken earlier (time_nanos): the in-use space
        /// held by the owner grew by at least `minValue` bytes and `minShare` of what it held.
        case heapGrowth
        /// A heap profile given with a CPU profile: the culprit (or a method of its receiver
        /// type) holds at least `minShare` of the in-use space.
        case heapHeld
        /// A rate over wall time: the matched samples' `sampleType` (default the rule's; delay
        /// in seconds, contentions in events) divided by the profile's duration, or by that of
        /// a CPU profile of the same run given with it; graded by `levels` (per second).
        case perSecond
        /// A goroutine profile given with it: the share of goroutines waiting in `frames`
        /// (lock waits) under the same culprit: `minShare`.
        case goroutinesParked
        /// Heap profiles: the average size of the objects the culprit holds, at least
        /// `minValue` and at most `maxValue` bytes (a map's table is a few large blocks,
        /// values kept alive are many small objects).
        case objectSize
        /// The heaviest culprit's own value, in the profile's unit (goroutines, in a goroutine
        /// profile); graded by `levels`.
        case culpritCount
        /// The pattern's shape in the source (--source-path): a profile cannot show it; the
        /// source check sees it (`sourceRaises`). Named `sourceShape`.
        case source
    }

    /// The share a signal needs when its rule gives no `minShare`: the one home of these
    /// defaults (README, "Signal kinds").
    public var requiredShare: Double {
        if let minShare { return minShare }
        switch kind {
        case .frameShare, .culpritShare: return 0.5
        case .culpritFrames: return 0.01
        case .heapHeld: return 0.3
        case .goroutinesParked: return 0.25
        case .heapGrowth, .perSecond, .objectSize, .culpritCount, .source: return 0
        }
    }

    public enum Role: String, Codable, Sendable {
        /// Needed for any finding at all.
        case requires
        /// Tells the pattern from its look-alike: needed for a warning.
        case discriminates
        /// Confirms a warning into a critical.
        case confirms
    }

    public var name: String
    public var kind: Kind
    public var role: Role
    /// What a seen signal means, for the finding's evidence.
    public var description: String
    public var frames: [String]?
    public var within: [String]?
    public var minShare: Double?
    public var minValue: Double?
    public var maxValue: Double?
    /// heapHeld: the heap sample type read (default inuse_space); perSecond: the sample type
    /// counted (default the rule's).
    public var sampleType: String?
    /// Graded signals: the level the measured value reaches.
    public var levels: Rule.Thresholds?
}

/// A rules file: `{"rules": [...]}`.
public struct RuleSet: Codable, Sendable {
    public var rules: [Rule]

    /// Why a rules file could not be read (exit code 66). One that is read but is not a valid
    /// rules file is a `UsageError` (64).
    public enum LoadError: Error, CustomStringConvertible, Sendable {
        case unreadable(path: String, reason: String)

        public var description: String {
            switch self {
            case .unreadable(let path, let reason): return "\(path): cannot read the rules file: \(reason)"
            }
        }
    }

    /// Reads and checks a rules file: a `LoadError` when it cannot be read, a `UsageError` when
    /// it is not a valid one.
    public static func load(path: String) throws -> RuleSet {
        let data: Data
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue {
            throw LoadError.unreadable(path: path, reason: "is a directory")
        }
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            // The system's reason ("No such file or directory", "Permission denied").
            if let posix = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError, posix.domain == NSPOSIXErrorDomain {
                throw LoadError.unreadable(path: path, reason: String(cString: strerror(Int32(posix.code))))
            }
            throw LoadError.unreadable(path: path, reason: (error as NSError).localizedFailureReason ?? "\(error.localizedDescription)")
        }
        return try load(json: data, source: path)
    }

    public static func load(json: Data, source: String) throws(UsageError) -> RuleSet {
        let set: RuleSet
        do {
            set = try JSONDecoder().decode(RuleSet.self, from: json)
        } catch let DecodingError.keyNotFound(key, context) {
            throw UsageError("\(source): rule is missing \"\(key.stringValue)\" at \(path(context))")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            throw UsageError("\(source): wrong type at \(path(context))")
        } catch DecodingError.dataCorrupted {
            throw UsageError("\(source): not a rules file: not valid JSON")
        } catch {
            throw UsageError("\(source): not a rules file: \(error.localizedDescription)")
        }
        for rule in set.rules {
            let signalPatterns = (rule.signals ?? []).flatMap { ($0.frames ?? []) + ($0.within ?? []) }
            for pattern in rule.frames + (rule.alsoFrames ?? []) + (rule.calledFrom ?? []) + signalPatterns {
                do { _ = try GoRegex(pattern) } catch {
                    throw UsageError("\(source): rule \(rule.id): not a valid regular expression: \(pattern) (\(error))")
                }
            }
            if let variant = rule.variant, variant.isEmpty || !variant.utf8.allSatisfy({ (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2D }) {
                throw UsageError("\(source): rule \(rule.id): variant must be lowercase letters, digits and hyphens: \"\(variant)\"")
            }
            let t = rule.thresholds
            // A threshold above 1 is never reached: a rule can stop at info or warning.
            guard 0 <= t.info && t.info <= t.warning && t.warning <= t.critical else {
                throw UsageError("\(source): rule \(rule.id): thresholds must satisfy 0 <= info <= warning <= critical")
            }
            guard !rule.frames.isEmpty && !rule.kinds.isEmpty && !rule.sampleTypes.isEmpty else {
                throw UsageError("\(source): rule \(rule.id): kinds, sampleTypes and frames must not be empty")
            }
            if let stronger = rule.yieldsTo, !set.rules.contains(where: { $0.id == rule.id && $0.title == stronger }) {
                throw UsageError("\(source): rule \(rule.id): yieldsTo \"\(stronger)\" names no rule \(rule.id) of that title")
            }
            for signal in rule.signals ?? [] {
                switch signal.kind {
                case .frameShare, .culpritFrames, .goroutinesParked:
                    guard !(signal.frames ?? []).isEmpty else {
                        throw UsageError("\(source): rule \(rule.id): signal \(signal.name) (\(signal.kind.rawValue)) needs frames")
                    }
                case .perSecond, .culpritCount:
                    guard signal.levels != nil else {
                        throw UsageError("\(source): rule \(rule.id): signal \(signal.name) (\(signal.kind.rawValue)) needs levels")
                    }
                case .culpritShare, .heapGrowth, .heapHeld, .objectSize, .source: break
                }
                if let l = signal.levels, !(0 <= l.info && l.info <= l.warning && l.warning <= l.critical) {
                    throw UsageError("\(source): rule \(rule.id): signal \(signal.name): levels must satisfy 0 <= info <= warning <= critical")
                }
            }
        }
        return set
    }

    /// The built-in rules' JSON text.
    /// The rule that made a finding: its pattern and title.
    public func rule(of finding: Finding) -> Rule? { rules.first { $0.id == finding.id && $0.title == finding.title } }

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
