import Analysis
import Findings
import Pipeline

/// In-use heap growth between two heap profiles of one program, per owner and per second
/// ("+4.2 GB in 60 s held by cache.(*Store).Put"): part of `compare` for heap profiles and of
/// `analyze` given two heap profiles.
public struct HeapGrowthReport: Sendable {
    public var growth: HeapGrowth
    /// Owners shown (the largest changes).
    public var rows = 10

    /// The growth from the earlier to the later of two heap profiles, when both are heap
    /// profiles with in-use space.
    public init?(earlier: PreparedProfile, later: PreparedProfile) {
        guard let before = HeapOwners(earlier.classifierInput), let after = HeapOwners(later.classifierInput) else { return nil }
        growth = HeapGrowth(earlier: before, later: after)
    }

    /// The two latest heap profiles among `profiles`, oldest first.
    public init?(among profiles: [PreparedProfile]) {
        let heaps = profiles.filter { $0.kind == .heap }.sorted { $0.loaded.timeNanos < $1.loaded.timeNanos }
        guard heaps.count >= 2 else { return nil }
        self.init(earlier: heaps[heaps.count - 2], later: heaps[heaps.count - 1])
    }

    var shown: [HeapGrowth.Change] {
        Array(growth.changes.filter { $0.delta != 0 }.sorted { abs($0.delta) > abs($1.delta) }.prefix(rows))
    }

    public func text() -> String {
        let total = HeapGrowth.Change(name: "all owners", before: growth.totalBefore, after: growth.totalAfter)
        var out = "In-use heap growth, \(TerminalText.clean(growth.earlier)) → \(TerminalText.clean(growth.later)):\n"
        out += "  \(TerminalText.clean(growth.describe(total, naming: false)))\n"
        for change in shown { out += "  \(TerminalText.clean(growth.describe(change, naming: false)))\n" }
        return out
    }

    public func writeJSON(_ json: inout JSONWriter) {
        json.object("heapGrowth") { json in
            json.field("earlier", growth.earlier)
            json.field("later", growth.later)
            json.field("seconds", growth.seconds)
            json.field("totalBefore", growth.totalBefore)
            json.field("totalAfter", growth.totalAfter)
            json.objects("owners", shown) { json, change in
                json.field("name", change.name)
                json.field("before", change.before)
                json.field("after", change.after)
                json.field("delta", change.delta)
                if growth.seconds > 0 { json.field("perSecond", Double(change.delta) / growth.seconds) }
            }
        }
    }
}
