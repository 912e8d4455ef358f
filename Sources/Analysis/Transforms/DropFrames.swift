import Pprof

extension Profile {
    /// The profile with its drop_frames/keep_frames applied, as pprof applies them when it
    /// loads a profile (Profile.Prune): a location whose function matches drop_frames (and not
    /// keep_frames) is cut from stacks together with everything it calls, but never before the
    /// first frame, counted from the root, that does not match. A location matched below its
    /// outermost line keeps only the lines outside the match.
    ///
    /// The patterns are the profile's own unless given: pprof prunes the merged profile of a
    /// comparison with the drop_frames of its first (new) profile.
    public func applyingDropFrames(drop dropPattern: String? = nil, keep keepPattern: String? = nil) -> Profile {
        let dropFrames = dropPattern ?? self.dropFrames
        let keepFrames = keepPattern ?? self.keepFrames
        guard !dropFrames.isEmpty, let drop = try? GoRegex(dropFrames, anchored: true) else { return self }
        let keep = keepFrames.isEmpty ? nil : try? GoRegex(keepFrames, anchored: true)
        var result = self
        // Applied once: the result carries no drop_frames of its own.
        result.dropFrames = ""
        result.keepFrames = ""
        var pruneWhole = [Bool](repeating: false, count: locations.count)
        var pruneBeneath = [Bool](repeating: false, count: locations.count)
        var matchCache = [Bool?](repeating: nil, count: functions.count)
        for (index, location) in locations.enumerated() {
            let lines = self.lines(of: location)
            for (position, line) in lines.enumerated().reversed() {
                let function = Int(line.functionIndex)
                let name = FunctionNames.displayName(functions[function])
                if name.isEmpty { continue }
                let matched: Bool
                if let cached = matchCache[function] {
                    matched = cached
                } else {
                    let simple = Self.simplifiedFunctionName(name)
                    matched = drop.matches(simple) && !(keep?.matches(simple) ?? false)
                    matchCache[function] = matched
                }
                guard matched else { continue }
                pruneBeneath[index] = true
                if position == lines.count - 1 {
                    pruneWhole[index] = true
                } else {
                    // Lines are innermost first: keep those outside the match.
                    let removed = Int32(position + 1)
                    result.locations[index].lineStart += removed
                    result.locations[index].lineCount -= removed
                }
                break
            }
        }
        result.samples = samples.mapStacks { stack in
            var foundUserFrame = false
            var position = stack.endIndex - 1
            while position >= stack.startIndex {
                let location = Int(stack[position])
                if !pruneWhole[location] && !pruneBeneath[location] {
                    foundUserFrame = true
                } else if foundUserFrame {
                    return stack[(pruneWhole[location] ? position + 1 : position)...]
                }
                position -= 1
            }
            return stack
        }
        return result
    }

    /// A function name without its argument list, as pprof's simplifyFunc: "(anonymous
    /// namespace)" and "operator()" are not argument lists.
    static func simplifiedFunctionName(_ name: String) -> String {
        var text = Substring(name)
        if text.hasPrefix(".") { text.removeFirst() }
        var search = text.startIndex
        while let paren = text[search...].firstIndex(of: "(") {
            let rest = text[paren...]
            if rest.hasPrefix("(anonymous namespace)") {
                search = text.index(paren, offsetBy: "(anonymous namespace)".count)
            } else if text[..<paren].hasSuffix("operator"), rest.hasPrefix("()") {
                search = text.index(paren, offsetBy: 2)
            } else {
                return String(text[..<paren])
            }
        }
        return String(text)
    }
}
