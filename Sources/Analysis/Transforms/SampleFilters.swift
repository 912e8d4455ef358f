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
    /// Keep only the labels whose key matches (pprof's -tagshow); samples stay.
    public var tagShow: GoRegex?
    /// Remove the labels whose key matches (pprof's -taghide); samples stay.
    public var tagHide: GoRegex?

    public init() {}

    public var isEmpty: Bool {
        focus == nil && ignore == nil && hide == nil && show == nil && showFrom == nil && tagFocus.isEmpty && tagIgnore.isEmpty
            && tagShow == nil && tagHide == nil
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

/// Whether a profile's frames match one pattern, as pprof matches them: a line by its
/// function's name or file name, a location by one of its lines or its binary's file name.
/// The pattern runs once per function, file and mapping; locations and lines look it up.
private struct FrameMatcher {
    let profile: Profile
    /// Per function: its display name or its file name matches.
    let functions: [Bool]
    /// Per mapping: its file name matches.
    let mappings: [Bool]

    init(_ regex: GoRegex, in profile: Profile, names: [String]) {
        self.profile = profile
        var files: [String: Bool] = [:]
        functions = profile.functions.indices.map { function in
            if regex.matches(names[function]) { return true }
            let file = profile.functions[function].filename
            if let known = files[file] { return known }
            let matches = regex.matches(file)
            files[file] = matches
            return matches
        }
        mappings = profile.mappings.map { regex.matches($0.filename) }
    }

    func line(_ line: Line) -> Bool { functions[Int(line.functionIndex)] }

    func mapping(_ location: Location) -> Bool {
        location.mappingIndex >= 0 && mappings[Int(location.mappingIndex)]
    }

    func location(_ location: Location) -> Bool {
        profile.lines(of: location).contains { line($0) } || mapping(location)
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
        let names = [filters.focus, filters.ignore, filters.hide, filters.show, filters.showFrom].contains { $0 != nil }
            ? functions.map(FunctionNames.displayName) : []
        func matcher(_ regex: GoRegex?) -> FrameMatcher? { regex.map { FrameMatcher($0, in: self, names: names) } }
        let focus = matcher(filters.focus), ignore = matcher(filters.ignore), hide = matcher(filters.hide)
        let show = matcher(filters.show), showFrom = matcher(filters.showFrom)
        var unmatched: [String] = []

        // Per location: nil = neither focused nor ignored, true = focused, false = ignored.
        var verdict = [Bool?](repeating: nil, count: locations.count)
        var hidden = [Bool](repeating: false, count: locations.count)
        var focusMatched = false, ignoreMatched = false, hideMatched = false, showMatched = false
        for (index, location) in locations.enumerated() {
            if let ignore, ignore.location(location) {
                verdict[index] = false
                ignoreMatched = true
            } else if focus?.location(location) ?? true {
                verdict[index] = true
                focusMatched = true
            }
            if let hide, hide.location(location) {
                hideMatched = true
                let kept = hide.mapping(location) ? [] : self.lines(of: location).filter { !hide.line($0) }
                result.locations[index].lineStart = Int32(result.lines.count)
                result.locations[index].lineCount = Int32(kept.count)
                result.lines.append(contentsOf: kept)
                if kept.isEmpty { hidden[index] = true }
            }
            if let show, !hidden[index] {
                // Of what hide left, the lines that match (pprof's -show).
                let current = result.lines(of: result.locations[index])
                let kept = current.filter { show.line($0) }
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
        if let showFrom {
            showFromCut = locations.indices.map { index in
                let location = result.locations[index]
                if showFrom.mapping(location) { return Int(location.lineCount) }
                let lines = result.lines(of: location)
                return lines.lastIndex { showFrom.line($0) }.map { $0 - lines.startIndex + 1 }
            }
            for (index, cut) in showFromCut.enumerated() { if let cut { result.locations[index].lineCount = Int32(cut) } }
            if !showFromCut.contains(where: { $0 != nil }) { unmatched.append("ShowFrom expression matched no samples") }
        }

        let anyHidden = hidden.contains(true)
        let tagFocus = filters.tagFocus, tagIgnore = filters.tagIgnore
        var tagFocusMatched = false, tagIgnoreMatched = false
        // Samples share label sets: each set is decided once, the first time a kept sample has it.
        let byTags = !tagFocus.isEmpty || !tagIgnore.isEmpty
        var keptSets = [Bool?](repeating: nil, count: byTags ? samples.labelSets.count : 0)
        result.samples = samples.mapStacks(keepSample: !byTags ? nil : { sample in
            let set = Int(self.samples.sampleLabelSets[sample])
            if let kept = keptSets[set] { return kept }
            let labels = self.samples.labelSets[set].map { self.label(for: $0) }
            let focused = tagFocus.allSatisfy { FrameMatcher.carries(labels, $0) }
            let ignored = tagIgnore.contains { FrameMatcher.carries(labels, $0) }
            tagFocusMatched = tagFocusMatched || focused
            tagIgnoreMatched = tagIgnoreMatched || ignored
            keptSets[set] = focused && !ignored
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
        if filters.tagShow != nil || filters.tagHide != nil {
            unmatched += result.keepLabelsByKey(show: filters.tagShow, hide: filters.tagHide)
        }
        return (result, unmatched)
    }
}

extension Profile {
    /// pprof's FilterTagsByName, after the sample filters: each kept sample keeps the labels
    /// whose key matches `show` (all when nil) and not `hide`. A pattern "matches" when some
    /// kept sample has a string or numeric label with a matching key; the warnings for those
    /// that did not are returned.
    mutating func keepLabelsByKey(show: GoRegex?, hide: GoRegex?) -> [String] {
        var showMatched = false, hideMatched = false
        var decided: [Int32: Bool] = [:]
        let strings = stringTable
        func keep(_ key: Int32) -> Bool {
            if let kept = decided[key] { return kept }
            let name = strings[Int(key)]
            let kept = (show?.matches(name) ?? true) && !(hide?.matches(name) ?? false)
            decided[key] = kept
            return kept
        }
        // The sets kept samples carry: only their labels count as matches.
        var used = [Bool](repeating: false, count: samples.labelSets.count)
        for sample in 0..<samples.count { used[Int(samples.sampleLabelSets[sample])] = true }
        for (set, isUsed) in used.enumerated() where isUsed {
            for label in samples.labelSets[set] where label.isString || label.isNumeric {
                let name = strings[Int(label.key)]
                if show?.matches(name) ?? false { showMatched = true }
                if hide?.matches(name) ?? false { hideMatched = true }
            }
        }
        samples = samples.keepingLabels { keep($0.key) }
        var unmatched: [String] = []
        if show != nil && !showMatched { unmatched.append("TagShow expression matched no samples") }
        if hide != nil && !hideMatched { unmatched.append("TagHide expression matched no samples") }
        return unmatched
    }
}
