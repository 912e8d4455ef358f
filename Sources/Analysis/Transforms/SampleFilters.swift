import Pprof

/// pprof's sample filters, with its semantics (FilterSamplesByName, FilterSamplesByTag):
/// a location matches a pattern when one of its functions' names or file names, or its
/// mapping's file, contains a match.
public struct SampleFilters: Sendable {
    /// Keep only samples with a matching frame.
    public var focus: GoRegex?
    /// Drop samples with a matching frame.
    public var ignore: GoRegex?
    /// Remove matching frames from stacks.
    public var hide: GoRegex?
    /// Keep only matching frames in stacks (pprof's -show).
    public var show: GoRegex?
    /// Drop the frames above the root-most matching one (pprof's -show_from).
    public var showFrom: GoRegex?
    /// Keep only samples that carry the label `key` with a value matching one of `values`.
    public var tagFocus: [(key: String, values: [GoRegex])] = []
    /// Drop samples that carry the label `key` with a value matching one of `values`.
    public var tagIgnore: [(key: String, values: [GoRegex])] = []

    public init() {}

    public var isEmpty: Bool { focus == nil && ignore == nil && hide == nil && show == nil && showFrom == nil && tagFocus.isEmpty && tagIgnore.isEmpty }

    /// The first filter whose pattern ran out of time on a name (see `GoRegex.matchTimeLimit`),
    /// as its option name and pattern: the filtering that used it is not to be trusted.
    public var exceededTimeLimit: (option: String, pattern: String)? {
        let regexes = [("focus", focus), ("ignore", ignore), ("hide", hide), ("show", show), ("show_from", showFrom)]
            + tagFocus.flatMap { filter in filter.values.map { ("tagfocus", Optional($0)) } }
            + tagIgnore.flatMap { filter in filter.values.map { ("tagignore", Optional($0)) } }
        return regexes.lazy.compactMap { option, regex in
            regex.flatMap { $0.exceededTimeLimit ? (option, $0.pattern) : nil }
        }.first
    }

    /// Parses `KEY=REGEX[,REGEX...]`, as pprof's -tagfocus with a key.
    public static func parseTagFocus(_ text: String) throws -> (key: String, values: [GoRegex]) {
        guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
            throw FilterError("tag filter \"\(text)\" must be KEY=VALUE")
        }
        let key = String(text[..<equals])
        let values = try text[text.index(after: equals)...].split(separator: ",", omittingEmptySubsequences: false).map { value in
            do { return try GoRegex(String(value)) } catch {
                throw FilterError("not a valid regular expression: \(value) (\(error))")
            }
        }
        return (key, values)
    }

    public struct FilterError: Error, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }
}

extension Profile {
    /// The profile with `filters` applied: samples kept or dropped, frames hidden.
    public func filtered(by filters: SampleFilters) -> Profile {
        if filters.isEmpty { return self }
        if let showFrom = filters.showFrom {
            // pprof applies -show_from after the name filters (its tag filters only drop
            // samples, in either order alike).
            var rest = filters
            rest.showFrom = nil
            return filtered(by: rest).showingFrom(showFrom)
        }
        var result = self
        let names = functions.map(FunctionNames.displayName)
        func lineMatches(_ line: Line, _ regex: GoRegex) -> Bool {
            let function = Int(line.functionIndex)
            return regex.matches(names[function]) || regex.matches(functions[function].filename)
        }
        func mappingMatches(_ location: Location, _ regex: GoRegex) -> Bool {
            location.mappingIndex >= 0 && regex.matches(mappings[Int(location.mappingIndex)].filename)
        }
        func locationMatches(_ location: Location, _ regex: GoRegex) -> Bool {
            self.lines(of: location).contains { lineMatches($0, regex) } || mappingMatches(location, regex)
        }

        // Per location: nil = neither focused nor ignored, true = focused, false = ignored.
        var verdict = [Bool?](repeating: nil, count: locations.count)
        var hidden = [Bool](repeating: false, count: locations.count)
        for (index, location) in locations.enumerated() {
            if let ignore = filters.ignore, locationMatches(location, ignore) {
                verdict[index] = false
            } else if filters.focus.map({ locationMatches(location, $0) }) ?? true {
                verdict[index] = true
            }
            if let hide = filters.hide, locationMatches(location, hide) {
                let kept = mappingMatches(location, hide) ? [] : self.lines(of: location).filter { !lineMatches($0, hide) }
                result.locations[index].lineStart = Int32(result.lines.count)
                result.locations[index].lineCount = Int32(kept.count)
                result.lines.append(contentsOf: kept)
                if kept.isEmpty { hidden[index] = true }
            }
            if let show = filters.show, !hidden[index] {
                // Of what hide left, the lines that match (pprof's -show).
                let current = result.lines[Int(result.locations[index].lineStart)..<Int(result.locations[index].lineStart + result.locations[index].lineCount)]
                let kept = current.filter { lineMatches($0, show) }
                if kept.count != current.count {
                    result.locations[index].lineStart = Int32(result.lines.count)
                    result.locations[index].lineCount = Int32(kept.count)
                    result.lines.append(contentsOf: kept)
                }
                if kept.isEmpty { hidden[index] = true }
            }
        }
        let anyHidden = hidden.contains(true)
        let tagFocus = filters.tagFocus, tagIgnore = filters.tagIgnore
        func carries(_ labels: [Label], _ filter: (key: String, values: [GoRegex])) -> Bool {
            labels.contains { label in label.isString && label.key == filter.key && filter.values.contains { $0.matches(label.str) } }
        }
        result.samples = samples.mapStacks(keepSample: tagFocus.isEmpty && tagIgnore.isEmpty ? nil : { sample in
            let labels = self.labels(of: sample)
            return tagFocus.allSatisfy { carries(labels, $0) } && !tagIgnore.contains { carries(labels, $0) }
        }) { stack in
            // Kept when a frame is focused and none is ignored.
            var focused = false
            for location in stack {
                guard let value = verdict[Int(location)] else { continue }
                if !value { return nil }
                focused = true
            }
            guard focused else { return nil }
            guard anyHidden else { return stack }
            let visible = stack.filter { !hidden[Int($0)] }
            return visible.isEmpty ? nil : ArraySlice(visible)
        }
        return result
    }
}

extension Profile {
    /// What `go tool pprof` warns of on stderr: each filter expression that matched nothing in
    /// the profile ("Focus expression matched no samples"); the filters stay in force.
    public func unmatchedFilters(_ filters: SampleFilters) -> [String] {
        guard !filters.isEmpty else { return [] }
        let names = functions.map(FunctionNames.displayName)
        var used = [Bool](repeating: false, count: locations.count)
        for id in 0..<samples.stackCount { for location in samples.stack(id) { used[Int(location)] = true } }
        func matchesSomewhere(_ regex: GoRegex) -> Bool {
            locations.indices.contains { index in
                guard used[index] else { return false }
                let location = locations[index]
                if location.mappingIndex >= 0 && regex.matches(mappings[Int(location.mappingIndex)].filename) { return true }
                return lines(of: location).contains { line in
                    let function = Int(line.functionIndex)
                    return regex.matches(names[function]) || regex.matches(functions[function].filename)
                }
            }
        }
        var unmatched: [String] = []
        if let focus = filters.focus, !matchesSomewhere(focus) { unmatched.append("Focus expression matched no samples") }
        if let ignore = filters.ignore, !matchesSomewhere(ignore) { unmatched.append("Ignore expression matched no samples") }
        if let hide = filters.hide, !matchesSomewhere(hide) { unmatched.append("Hide expression matched no samples") }
        if let show = filters.show, !matchesSomewhere(show) { unmatched.append("Show expression matched no samples") }
        if let showFrom = filters.showFrom, !showFromMatches(showFrom) { unmatched.append("ShowFrom expression matched no samples") }
        if !filters.tagFocus.isEmpty {
            let matched = (0..<samples.count).contains { sample in
                let labels = self.labels(of: sample)
                return filters.tagFocus.allSatisfy { filter in
                    labels.contains { label in label.isString && label.key == filter.key && filter.values.contains { $0.matches(label.str) } }
                }
            }
            if !matched { unmatched.append("TagFocus expression matched no samples") }
        }
        if !filters.tagIgnore.isEmpty {
            let matched = (0..<samples.count).contains { sample in
                let labels = self.labels(of: sample)
                return filters.tagIgnore.contains { filter in
                    labels.contains { label in label.isString && label.key == filter.key && filter.values.contains { $0.matches(label.str) } }
                }
            }
            if !matched { unmatched.append("TagIgnore expression matched no samples") }
        }
        return unmatched
    }
}

extension Profile {
    /// pprof's -show_from: each stack cut above its root-most frame whose function (or file)
    /// matches (within an inlined location, the lines above the match go too; a location whose
    /// binary matches is kept whole); a stack with no such frame is dropped.
    func showingFrom(_ regex: GoRegex) -> Profile {
        var result = self
        let names = functions.map(FunctionNames.displayName)
        func lineMatches(_ line: Line) -> Bool {
            let function = Int(line.functionIndex)
            return regex.matches(names[function]) || regex.matches(functions[function].filename)
        }
        var matches = [Bool](repeating: false, count: locations.count)
        for (index, location) in locations.enumerated() {
            if location.mappingIndex >= 0 && regex.matches(mappings[Int(location.mappingIndex)].filename) {
                matches[index] = true
                continue
            }
            let lines = self.lines(of: location)
            if let last = lines.lastIndex(where: lineMatches) {
                result.locations[index].lineCount = Int32(last - lines.startIndex + 1)
                matches[index] = true
            }
        }
        result.samples = samples.mapStacks { stack in
            guard let root = stack.lastIndex(where: { matches[Int($0)] }) else { return nil }
            return stack[stack.startIndex...root]
        }
        return result
    }

    /// Whether -show_from matches a frame anywhere (pprof warns when it does not).
    func showFromMatches(_ regex: GoRegex) -> Bool {
        let names = functions.map(FunctionNames.displayName)
        return locations.contains { location in
            (location.mappingIndex >= 0 && regex.matches(mappings[Int(location.mappingIndex)].filename))
                || lines(of: location).contains { regex.matches(names[Int($0.functionIndex)]) || regex.matches(functions[Int($0.functionIndex)].filename) }
        }
    }
}
