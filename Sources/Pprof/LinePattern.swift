/// A line pattern of the simple shape pprof's memory-map lines are described with — a sequence
/// of byte classes repeated greedily, optional groups and captures — matched with the captures
/// Go's regexp reports (leftmost-first: at every choice the preferred option, more repetitions
/// before fewer and a group before its absence, that still leads to a match).
///
/// It tries the choices in that order, backtracking, as long as that takes a few steps per
/// byte (an ordinary line matches or fails at once). Past that, it works backwards instead,
/// finding at each step and position whether the rest can match and where the greedy choice
/// ends, then follows the preferred choices forwards: time and memory linear in the line
/// (times the pattern's length), whatever the line holds.
struct LinePattern: Sendable {
    indirect enum Piece: Sendable {
        case bytes(ByteClass, min: Int, max: Int)
        case optional([Piece])
        case capture(Int, [Piece])

        static func literal(_ text: String) -> [Piece] { text.utf8.map { .bytes(ByteClass([$0]), min: 1, max: 1) } }
        static func oneOrMore(_ set: ByteClass) -> Piece { .bytes(set, min: 1, max: Int.max) }
        static func zeroOrMore(_ set: ByteClass) -> Piece { .bytes(set, min: 0, max: Int.max) }
        static func zeroOrOne(_ set: ByteClass) -> Piece { .bytes(set, min: 0, max: 1) }
    }

    private enum Step: Sendable {
        case bytes(ByteClass, min: Int, max: Int)
        /// An optional group: enter it (the next step) or go to `skip`.
        case choice(skip: Int)
        case open(Int)
        case close(Int)
        case end
    }

    private let steps: [Step]
    let captureCount: Int

    init(_ pieces: [Piece]) {
        var steps: [Step] = []
        var captures = 0
        func add(_ pieces: [Piece]) {
            for piece in pieces {
                switch piece {
                case .bytes(let set, let min, let max): steps.append(.bytes(set, min: min, max: max))
                case .optional(let inner):
                    let at = steps.count
                    steps.append(.end)  // Replaced once the group's length is known.
                    add(inner)
                    steps[at] = .choice(skip: steps.count)
                case .capture(let number, let inner):
                    captures = Swift.max(captures, number)
                    steps.append(.open(number))
                    add(inner)
                    steps.append(.close(number))
                }
            }
        }
        add(pieces)
        steps.append(.end)
        self.steps = steps
        captureCount = captures
    }

    /// Scratch arrays a matcher keeps from line to line.
    struct Scratch {
        fileprivate var table: [Int32] = []
        fileprivate var runEnd: [Int32] = []
        fileprivate var lastViable: [Int32] = []
    }

    /// The captures (byte ranges of `line`, nil for a group that took no part) of the match
    /// starting at the line's start, or nil when there is none. Capture 0 is the whole match.
    func match(_ line: UnsafeBufferPointer<UInt8>, scratch: inout Scratch) -> [Range<Int>?]? {
        var search = Backtracking(steps: steps, line: line, captureCount: captureCount)
        switch search.run(step: 0, at: 0) {
        case .matched(let end):
            search.captures[0] = 0..<end
            return search.captures
        case .failed: return nil
        case .tooCostly: return matchLinearly(line, scratch: &scratch)
        }
    }

    private enum Outcome {
        case matched(end: Int)
        case failed
        case tooCostly
    }

    /// The choices tried in order of preference, within a budget of steps.
    private struct Backtracking {
        let steps: [Step]
        let line: UnsafeBufferPointer<UInt8>
        var captures: [Range<Int>?]
        var opened: [Int]
        var budget: Int

        init(steps: [Step], line: UnsafeBufferPointer<UInt8>, captureCount: Int) {
            self.steps = steps
            self.line = line
            captures = [Range<Int>?](repeating: nil, count: captureCount + 1)
            opened = [Int](repeating: 0, count: captureCount + 1)
            budget = 8 * (line.count + steps.count)
        }

        /// Each call moves to a later step: the recursion is at most the pattern's length deep.
        mutating func run(step: Int, at position: Int) -> Outcome {
            budget -= 1
            if budget < 0 { return .tooCostly }
            switch steps[step] {
            case .end:
                return .matched(end: position)
            case .open(let number):
                opened[number] = position
                return run(step: step + 1, at: position)
            case .close(let number):
                let saved = captures[number]
                captures[number] = opened[number]..<position
                let outcome = run(step: step + 1, at: position)
                if case .failed = outcome { captures[number] = saved }
                return outcome
            case .choice(let skip):
                let outcome = run(step: step + 1, at: position)
                if case .failed = outcome { return run(step: skip, at: position) }
                return outcome
            case .bytes(let set, let min, let max):
                var end = position
                while end < line.count && end - position < max && set.contains(line[end]) { end += 1 }
                budget -= end - position
                var choice = end
                while choice >= position + min {
                    let outcome = run(step: step + 1, at: choice)
                    if case .failed = outcome {
                        choice -= 1
                        continue
                    }
                    return outcome
                }
                return .failed
            }
        }
    }

    func matchLinearly(_ line: UnsafeBufferPointer<UInt8>, scratch: inout Scratch) -> [Range<Int>?]? {
        let n = line.count, width = n + 1
        let stepCount = steps.count
        // table[step * width + p]: for a byte step, where its greedy choice at p ends (-1: the
        // rest cannot match from p); for a choice, 0 to enter, 1 to skip, -1; otherwise p or -1.
        if scratch.table.count < stepCount * width { scratch.table = [Int32](repeating: -1, count: stepCount * width) }
        if scratch.runEnd.count < width {
            scratch.runEnd = [Int32](repeating: 0, count: width)
            scratch.lastViable = [Int32](repeating: 0, count: width)
        }
        scratch.table.withUnsafeMutableBufferPointer { table in
        scratch.runEnd.withUnsafeMutableBufferPointer { runEnd in
        scratch.lastViable.withUnsafeMutableBufferPointer { lastViable in
            var step = stepCount
            while step > 0 {
                step -= 1
                let row = step * width, next = (step + 1) * width
                switch steps[step] {
                case .end:
                    for p in 0..<width { table[row + p] = Int32(p) }
                case .open, .close:
                    for p in 0..<width { table[row + p] = table[next + p] >= 0 ? Int32(p) : -1 }
                case .choice(let skip):
                    for p in 0..<width {
                        table[row + p] = table[next + p] >= 0 ? 0 : (table[skip * width + p] >= 0 ? 1 : -1)
                    }
                case .bytes(let set, let min, let max):
                    // The end of the run of the class from each position, and the last position
                    // up to each one from which the rest matches.
                    runEnd[n] = Int32(n)
                    var p = n
                    while p > 0 {
                        p -= 1
                        runEnd[p] = set.contains(line[p]) ? runEnd[p + 1] : Int32(p)
                    }
                    var last: Int32 = -1
                    for q in 0..<width {
                        if table[next + q] >= 0 { last = Int32(q) }
                        lastViable[q] = last
                    }
                    for p in 0..<width {
                        let high = max >= n - p ? Int(runEnd[p]) : Swift.min(Int(runEnd[p]), p + max)
                        let low = p + min
                        let end = high >= low ? Int(lastViable[high]) : -1
                        table[row + p] = end >= low ? Int32(end) : -1
                    }
                }
            }
        }
        }
        }
        guard scratch.table[0] >= 0 else { return nil }
        var captures = [Range<Int>?](repeating: nil, count: captureCount + 1)
        var opened = [Int](repeating: 0, count: captureCount + 1)
        var step = 0, p = 0
        while true {
            let entry = Int(scratch.table[step * width + p])
            switch steps[step] {
            case .end:
                captures[0] = 0..<p
                return captures
            case .bytes:
                p = entry
                step += 1
            case .choice(let skip):
                step = entry == 0 ? step + 1 : skip
            case .open(let number):
                opened[number] = p
                step += 1
            case .close(let number):
                captures[number] = opened[number]..<p
                step += 1
            }
        }
    }
}

/// A set of bytes.
struct ByteClass: Sendable {
    private var bits: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    init(_ bytes: some Sequence<UInt8>) {
        for byte in bytes { insert(byte) }
    }

    init(where included: (UInt8) -> Bool) {
        for byte in UInt8.min...UInt8.max where included(byte) { insert(byte) }
    }

    private mutating func insert(_ byte: UInt8) {
        let bit = UInt64(1) << (byte & 63)
        switch byte >> 6 {
        case 0: bits.0 |= bit
        case 1: bits.1 |= bit
        case 2: bits.2 |= bit
        default: bits.3 |= bit
        }
    }

    @inline(__always)
    func contains(_ byte: UInt8) -> Bool {
        let word: UInt64
        switch byte >> 6 {
        case 0: word = bits.0
        case 1: word = bits.1
        case 2: word = bits.2
        default: word = bits.3
        }
        return word & (UInt64(1) << (byte & 63)) != 0
    }

    /// Go's regexp classes: `\s` is tab, newline, form feed, carriage return and space.
    static let space = ByteClass(Array("\t\n\u{0C}\r ".utf8))
    static let notSpace = ByteClass { !space.contains($0) }
    static let digit = ByteClass(UInt8(ascii: "0")...UInt8(ascii: "9"))
    static let hexDigit = ByteClass(Array("0123456789abcdefABCDEF".utf8))
}
