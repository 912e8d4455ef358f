import Analysis
import FlameGraph
import Testing

/// Frame geometry, worked out by hand: children lie within their parent, widths follow values,
/// the root spans the total.
@Suite struct FlameLayoutTests {
    let stacks = Support.stacks([
        ("main;work;hash", 30),
        ("main;work", 10),
        ("main;idle", 20),
        ("main;work;alloc", 40),
    ])

    @Test func rootSpansTheTotalAndChildrenLieWithinTheirParent() {
        let layout = FlameLayout(stacks: stacks)
        #expect(layout.total == 100)
        #expect(layout.frames[0].name == -1 && layout.frames[0].value == 100 && layout.frames[0].start == 0)
        for frame in layout.frames.dropFirst() {
            let parent = layout.frames[Int(frame.parent)]
            #expect(frame.depth == parent.depth + 1)
            #expect(frame.start >= parent.start && frame.start + frame.value <= parent.start + parent.value)
        }
        // Siblings do not overlap and their widths add up to at most the parent's.
        for (index, parent) in layout.frames.enumerated() {
            let children = layout.frames.filter { Int($0.parent) == index }.sorted { $0.start < $1.start }
            #expect(children.reduce(0) { $0 + $1.value } <= parent.value)
            for (left, right) in zip(children, children.dropFirst()) { #expect(left.start + left.value <= right.start) }
        }
    }

    @Test func siblingsByNameThenBySize() {
        func order(_ layout: FlameLayout, under parentName: String) -> [String] {
            let parent = layout.frames.firstIndex { $0.name >= 0 && layout.names[Int($0.name)] == parentName }!
            return layout.frames.filter { Int($0.parent) == parent }.sorted { $0.start < $1.start }.map { layout.names[Int($0.name)] }
        }
        #expect(order(FlameLayout(stacks: stacks), under: "work") == ["alloc", "hash"])
        #expect(order(FlameLayout(stacks: stacks), under: "main") == ["idle", "work"])
        var bySize = FlameLayout.Options()
        bySize.order = .size
        #expect(order(FlameLayout(stacks: stacks, options: bySize), under: "main") == ["work", "idle"])
        // Exact extents, by hand: main [0,100), idle [0,20), work [20,100), alloc [20,60), hash [60,90).
        let layout = FlameLayout(stacks: stacks)
        let extents = Dictionary(uniqueKeysWithValues: layout.frames.dropFirst().map { (layout.names[Int($0.name)], ($0.start, $0.value)) })
        #expect(extents["idle"]! == (0, 20) && extents["work"]! == (20, 80) && extents["alloc"]! == (20, 40) && extents["hash"]! == (60, 30))
    }

    @Test func reverseMergesFromTheLeaf() {
        var options = FlameLayout.Options()
        options.reverse = true
        let layout = FlameLayout(stacks: stacks, options: options)
        // Leaves at depth 1: alloc 40, hash 30, idle 20, work 10 (its own time).
        let roots = layout.frames.filter { $0.depth == 1 }.map { (layout.names[Int($0.name)], $0.value) }
        #expect(roots.map(\.0) == ["alloc", "hash", "idle", "work"])
        #expect(roots.map(\.1) == [40, 30, 20, 10])
    }

    @Test func narrowFramesAreLeftOutWithWhatTheyCall() {
        var options = FlameLayout.Options()
        options.minValue = 35
        let layout = FlameLayout(stacks: stacks, options: options)
        let names = Set(layout.frames.dropFirst().map { layout.names[Int($0.name)] })
        #expect(names == ["main", "work", "alloc"])
        #expect(layout.omitted == 2)  // idle (20) and hash (30)
    }

    @Test func negativeStacksAreCountedNotDrawn() {
        let layout = FlameLayout(stacks: Support.stacks([("a;b", 5), ("a;c", -3)]))
        #expect(layout.total == 5 && layout.negativeStacks == 1)
    }

    @Test func differentialFramesCarryBothValues() {
        let base = Support.stacks([("main;old", 50), ("main;work", 50)])
        let new = Support.stacks([("main;work", 80)])
        var options = FlameLayout.Options()
        options.widthBy = .max
        let layout = FlameLayout(stacks: new, base: base, options: options)
        let old = layout.frames.first { $0.name >= 0 && layout.names[Int($0.name)] == "old" }
        // A frame gone from the new profile stays visible when widths follow the larger value.
        #expect(old?.value == 0 && old?.baseValue == 50)
        #expect(layout.total == 80 && layout.baseTotal == 100)
    }
}
