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

/// Whether a profile's frames and labels match a pattern, as pprof matches them: a line by its
/// function's name or file name, a location by one of its lines or its binary's file name.
private struct FrameMatcher {
    let profile: Profile
    let names: [String]

    init(_ profile: Profile) {
        self.profile = profile
        names = profile.functions.map(FunctionNames.displayName)
    }

    func line(_ line: Line, _ regex: GoRegex) -> Bool {
        let function = Int(line.functionIndex)
        return regex.matches(names[function]) || regex.matches(profile.functions[function].filename)
    }

    func mapping(_ location: Location, _ regex: GoRegex) -> Bool {
        location.mappingIndex >= 0 && regex.matches(profile.mappings[Int(location.mappingIndex)].filename)
    }

    func location(_ location: Location, _ regex: GoRegex) -> Bool {
        profile.lines(of: location).contains { line($0, regex) } || mapping(location, regex)
    }

    /// Whether the labels carry `filter.key` with a string value matching one of its values.
    static func carries(_ labels: [Label], _ filter: (key: String, values: [GoRegex])) -> Bool {
        labels.contains { label in label.isString && label.key == filter.key && filter.values.contains { $0.matches(label.str) } }
    }
}

extension Profile {
    /// The profile with `filters` applied: samples kept or dropped, frames hidden.
    public func filtered(by filters: SampleFilters) -> Profile {
        filteredReportingUnmatched(by: filters).profile
    }

    /// The profile with `filters` applied, and what `go tool pprof` warns of on stderr while
    /// applying them: each filter expression that matched nothing ("Focus expression matched
    /// no samples"; the filters stay in force). One pass, pprof's order: the name filters,
    /// then -show_from, then the tag filters on the samples left.
    public func filteredReportingUnmatched(by filters: SampleFilters) -> (profile: Profile, unmatched: [String]) {
        if filters.isEmpty { return (self, []) }
        var result = self
        let match = FrameMatcher(self)
        var unmatched: [String] = []

        // Per location: nil = neither focused nor ignored, true = focused, false = ignored.
        var verdict = [Bool?](repeating: nil, count: locations.count)
        var hidden = [Bool](repeating: false, count: locations.count)
        var focusMatched = false, ignoreMatched = false, hideMatched = false, showMatched = false
        for (index, location) in locations.enumerated() {
            if let ignore = filters.ignore, match.location(location, ignore) {
                verdict[index] = false
                ignoreMatched = true
            } else if filters.focus.map({ match.location(location, $0) }) ?? true {
                verdict[index] = true
                focusMatched = true
            }
            if let hide = filters.hide, match.location(location, hide) {
                hideMatched = true
                let kept = match.mapping(location, hide) ? [] : self.lines(of: location).filter { !match.line($0, hide) }
                result.locations[index].lineStart = Int32(result.lines.count)
                result.locations[index].lineCount = Int32(kept.count)
                result.lines.append(contentsOf: kept)
                if kept.isEmpty { hidden[index] = true }
            }
            if let show = filters.show, !hidden[index] {
                // Of what hide left, the lines that match (pprof's -show).
                let current = result.lines(of: result.locations[index])
                let kept = current.filter { match.line($0, show) }
                if kept.count != current.count {
                    result.locations[index].lineStart = Int32(result.lines.count)
                    result.locations[index].lineCount = Int32(kept.count)
                    result.lines.append(contentsOf: kept)
                }
                if kept.isEmpty { hidden[index] = true } else { showMatched = true }
            }
        }
        if filters.focus != nil && !focusMatched { unmatched.append("Focus expression matched no samples") }
        if filters.ignore != nil && !ignoreMatched { unmatched.append("Ignore expression matched no samples") }
        if filters.hide != nil && !hideMatched { unmatched.append("Hide expression matched no samples") }
        if filters.show != nil && !showMatched { unmatched.append("Show expression matched no samples") }

        // -show_from: per location, the lines up to its last match (nil: no match).
        var showFromCut: [Int?] = []
        if let showFrom = filters.showFrom {
            showFromCut = locations.indices.map { index in
                let location = result.locations[index]
                if match.mapping(location, showFrom) { return Int(location.lineCount) }
                let lines = result.lines(of: location)
                return lines.lastIndex { match.line($0, showFrom) }.map { $0 - lines.startIndex + 1 }
            }
            for (index, cut) in showFromCut.enumerated() { if let cut { result.locations[index].lineCount = Int32(cut) } }
            if !showFromCut.contains(where: { $0 != nil }) { unmatched.append("ShowFrom expression matched no samples") }
        }

        let anyHidden = hidden.contains(true)
        let tagFocus = filters.tagFocus, tagIgnore = filters.tagIgnore
        var tagFocusMatched = false, tagIgnoreMatched = false
        result.samples = samples.mapStacks(keepSample: tagFocus.isEmpty && tagIgnore.isEmpty ? nil : { sample in
            let labels = self.labels(of: sample)
            let focused = tagFocus.allSatisfy { FrameMatcher.carries(labels, $0) }
            let ignored = tagIgnore.contains { FrameMatcher.carries(labels, $0) }
            tagFocusMatched = tagFocusMatched || focused
            tagIgnoreMatched = tagIgnoreMatched || ignored
            return focused && !ignored
        }) { stack in
            // Kept when a frame is focused and none is ignored.
            var focused = false
            for location in stack {
                guard let value = verdict[Int(location)] else { continue }
                if !value { return nil }
                focused = true
            }
            guard focused else { return nil }
            var kept = stack
            if anyHidden {
                let visible = stack.filter { !hidden[Int($0)] }
                if visible.isEmpty { return nil }
                kept = ArraySlice(visible)
            }
            // -show_from: the stack cut above its root-most matching frame, or dropped.
            guard !showFromCut.isEmpty else { return kept }
            guard let root = kept.lastIndex(where: { showFromCut[Int($0)] != nil }) else { return nil }
            return kept[kept.startIndex...root]
        }
        if !tagFocus.isEmpty && !tagFocusMatched { unmatched.append("TagFocus expression matched no samples") }
        if !tagIgnore.isEmpty && !tagIgnoreMatched { unmatched.append("TagIgnore expression matched no samples") }
        return (result, unmatched)
    }
}
