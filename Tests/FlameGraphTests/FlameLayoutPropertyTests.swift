import Analysis
import FlameGraph
import Foundation
import TestSupport
import Testing

/// Random pairs of stack sets, laid out plain and differentially, merged from the root and
/// from the leaf: every frame lies inside its parent, siblings do not overlap, the canvas is
/// never exceeded, widths follow the chosen measure, and (width by max) no frame of either
/// profile disappears. Each case is reproducible from its seed.
@Suite struct FlameLayoutPropertyTests {

    /// A stack set over a small alphabet, so that base and new share and differ in frames.
    static func stackSet(_ random: inout SplitMix64, most: Int = 12) -> FoldedStacks {
        let alphabet = ["main", "a", "b", "c", "d", "e", "runtime.mallocgc", "x"]
        var lines: [(String, Int64)] = []
        for _ in 0..<(1 + random.below(most)) {
            let depth = 1 + random.below(6)
            let frames = (0..<depth).map { _ in alphabet[random.below(alphabet.count)] }
            lines.append((frames.joined(separator: ";"), Int64(1 + random.below(1000))))
        }
        return Support.stacks(lines)
    }

    /// For each frame: the own (self) value in new and base, from the frames laid out under it.
    static func check(_ layout: FlameLayout, widthBy: FlameLayout.WidthBy, seed: UInt64, pruned: Bool) {
        let frames = layout.frames
        #expect(frames.first?.name == -1 && frames.first?.start == 0, "seed \(seed): root first")
        var childWidth = [Int64](repeating: 0, count: frames.count)
        var childValue = [Int64](repeating: 0, count: frames.count)
        var childBase = [Int64](repeating: 0, count: frames.count)
        for (index, frame) in frames.enumerated().dropFirst() {
            let parent = frames[Int(frame.parent)]
            #expect(Int(frame.parent) < index, "seed \(seed): parents come first")
            #expect(frame.depth == parent.depth + 1, "seed \(seed): depth")
            #expect(frame.width > 0 && frame.start >= parent.start && frame.start + frame.width <= parent.start + parent.width,
                    "seed \(seed): frame [\(frame.start), +\(frame.width)) outside its parent [\(parent.start), +\(parent.width))")
            childWidth[Int(frame.parent)] += frame.width
            childValue[Int(frame.parent)] += frame.value
            childBase[Int(frame.parent)] += frame.baseValue
        }
        for (index, frame) in frames.enumerated() {
            let children = frames.indices.filter { Int(frames[$0].parent) == index }.sorted { frames[$0].start < frames[$1].start }
            for (left, right) in zip(children, children.dropFirst()) {
                #expect(frames[left].start + frames[left].width <= frames[right].start, "seed \(seed): siblings overlap")
            }
            // The measure: a frame is as wide as its value (new, base), or as the larger of its
            // own base and new value plus its children's widths (max). Frames left out for
            // width make the parent wider than the sum of what is drawn, never narrower.
            switch widthBy {
            case .new: #expect(frame.width == frame.value, "seed \(seed)")
            case .base: #expect(frame.width == frame.baseValue, "seed \(seed)")
            case .max:
                #expect(frame.width >= max(frame.value, frame.baseValue), "seed \(seed): max frame narrower than a side")
                if !pruned {
                    let own = max(frame.value - childValue[index], frame.baseValue - childBase[index], 0)
                    #expect(frame.width == own + childWidth[index], "seed \(seed): max width is own max plus children")
                }
            }
        }
    }

    @Test(arguments: 0..<200)
    func layoutsFitTheirParents(_ seed: Int) {
        var random = SplitMix64(seed: UInt64(seed))
        let new = Self.stackSet(&random)
        let base = Self.stackSet(&random)
        for reverse in [false, true] {
            var options = FlameLayout.Options()
            options.reverse = reverse
            options.order = random.below(2) == 0 ? .name : .size
            Self.check(FlameLayout(stacks: new, options: options), widthBy: .new, seed: UInt64(seed), pruned: false)
            for widthBy in FlameLayout.WidthBy.allCases {
                options.widthBy = widthBy
                let layout = FlameLayout(stacks: new, base: base, options: options)
                Self.check(layout, widthBy: widthBy, seed: UInt64(seed), pruned: false)
                if widthBy == .max {
                    // Nothing of either profile vanishes: every stack of both is drawn.
                    #expect(layout.omitted == 0, "seed \(seed)")
                    #expect(layout.frames[0].width >= max(layout.total, layout.baseTotal), "seed \(seed)")
                }
                options.minValue = Int64(1 + random.below(300))
                Self.check(FlameLayout(stacks: new, base: base, options: options), widthBy: widthBy, seed: UInt64(seed), pruned: true)
                options.minValue = 0
            }
        }
    }

    /// Against stacks read one by one: each frame stands for one path from the root (no two
    /// frames for the same path), its value and base value are what the stacks starting with
    /// that path sum to (a negative stack is left out), and every prefix of every stack is a
    /// frame. Stacks repeat, and come in any order.
    @Test(arguments: 0..<200)
    func framesSumTheStacksThroughThem(_ seed: Int) {
        var random = SplitMix64(seed: UInt64(seed) &+ 5000)
        // Up to 80 stacks: enough that sorting reads ahead (sixteen places) in each half.
        var new = Self.stackSet(&random, most: 80)
        let base = Self.stackSet(&random, most: 80)
        if random.below(3) == 0 { new.values[random.below(new.count)] = -Int64(1 + random.below(50)) }
        for reverse in [false, true] {
            var options = FlameLayout.Options()
            options.reverse = reverse
            options.widthBy = .max
            let layout = FlameLayout(stacks: new, base: base, options: options)
            func names(_ stacks: FoldedStacks, _ stack: Int) -> [String] {
                let names = stacks.frames(of: stack).map { stacks.names[Int($0)] }
                return reverse ? names.reversed() : names
            }
            func sum(_ stacks: FoldedStacks, startingWith path: [String]) -> Int64 {
                (0..<stacks.count).filter { stacks.values[$0] >= 0 && names(stacks, $0).starts(with: path) }.reduce(0) { $0 + stacks.values[$1] }
            }
            var paths: [[String]] = []
            for frame in layout.frames {
                paths.append(frame.parent < 0 ? [] : paths[Int(frame.parent)] + [layout.names[Int(frame.name)]])
            }
            #expect(Set(paths).count == paths.count, "seed \(seed): a path drawn twice")
            for (frame, path) in zip(layout.frames, paths) {
                #expect(frame.value == sum(new, startingWith: path), "seed \(seed) \(path): new value")
                #expect(frame.baseValue == sum(base, startingWith: path), "seed \(seed) \(path): base value")
            }
            let drawn = Set(paths)
            for stacks in [new, base] {
                for stack in 0..<stacks.count where stacks.values[stack] >= 0 {
                    let stackNames = names(stacks, stack)
                    for length in 1...stackNames.count {
                        #expect(drawn.contains(Array(stackNames.prefix(length))), "seed \(seed): \(stackNames.prefix(length)) not drawn")
                    }
                }
            }
        }
    }

    /// The same containment on the drawn SVG, plain and icicle: every rectangle inside the
    /// canvas and inside the rectangle of its parent frame.
    @Test(arguments: 0..<40)
    func drawnRectanglesStayOnTheCanvas(_ seed: Int) throws {
        var random = SplitMix64(seed: UInt64(seed) &+ 1000)
        let new = Self.stackSet(&random)
        let base = Self.stackSet(&random)
        for inverted in [false, true] {
            var svg = FlameGraphSVG.Options()
            svg.inverted = inverted
            svg.differential = true
            svg.width = 300 + random.below(1500)
            var layout = FlameLayout.Options()
            layout.widthBy = FlameLayout.WidthBy.allCases[random.below(3)]
            layout.reverse = random.below(2) == 0
            let text = String(decoding: FlameGraph.svg(new, base: base, layout: layout, svg: svg), as: UTF8.self)
            let drawn = DrawnFrame.frames(in: text)
            #expect(!drawn.isEmpty)
            for frame in drawn {
                #expect(frame.x >= 9.99 && frame.x + frame.width <= Double(svg.width) - 9.99,
                        "seed \(seed): rectangle x \(frame.x) width \(frame.width) off a \(svg.width) px canvas")
                // Each frame sits inside a frame one level up that spans it (its parent).
                if frame.depth > 0 {
                    #expect(drawn.contains { $0.depth == frame.depth - 1 && $0.start <= frame.start && $0.start + $0.widthValue >= frame.start + frame.widthValue },
                            "seed \(seed): \(frame.name) has no enclosing parent")
                }
            }
        }
    }
}
