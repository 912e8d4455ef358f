import Testing

/// One frame of a flame graph SVG as it is drawn: the attributes of its `<g>`, the name in its
/// `<title>` and its `<rect>`. proflens writes a frame as
/// `<g class="hl" data-s=".." data-v=".." data-d=".." data-b=".." data-n=".."><title>NAME\nTOOLTIP</title><rect x=".." y=".." width=".." height=".." fill=".." rx="2" ry="2"/>...</g>`
/// (`class` only on highlighted frames, `data-b`/`data-n` only in a differential graph).
public struct DrawnFrame: Sendable, Equatable {
    /// The function name, its entities decoded.
    public var name: String
    /// `data-s`, `data-v`, `data-d`: where the frame starts on the value axis, the value its
    /// width stands for, and its depth (0 for the root, "all").
    public var start: Int64, widthValue: Int64, depth: Int
    /// `data-b`, `data-n`: a differential graph's base and new values; nil in a plain graph.
    public var base: Int64?, new: Int64?
    /// The rectangle.
    public var x: Double, y: Double, width: Double
    public var fill: String
    /// The `<g>`'s classes: `hl` as proflens writes it; `match`, `hide`, `parent` and `zoomed`
    /// as the embedded script sets them.
    public var classes: Set<String>

    public var highlighted: Bool { classes.contains("hl") }

    /// Every frame of `svg`, in document order (the root first). A frame is a `<g>` that has a
    /// `data-s` attribute or a `<title>` first; one that is not laid out as above (a missing,
    /// repeated or unknown attribute, a value that is not a number, no title or rectangle) is a
    /// recorded issue at the caller, and is left out of the frames returned.
    ///
    /// Attributes may come in any order, and `data-ox`/`data-ow` and the script's classes may be
    /// present: the same frames are read from proflens's output and from the document a browser
    /// serialises after the script ran, which appends the attributes the script adds (after the
    /// ones written, `class` included) and writes `"` and `'` in text unescaped.
    public static func frames(in svg: String, sourceLocation: SourceLocation = #_sourceLocation) -> [DrawnFrame] {
        var frames: [DrawnFrame] = []
        var malformed: [String] = []
        for tag in svg.matches(of: /<g\b([^>]*)>/) {
            let following = svg[tag.range.upperBound...]
            guard tag.output.1.contains("data-s=") || following.hasPrefix("<title>") else { continue }
            do throws(Malformed) {
                frames.append(try frame(group: tag.output.1, following: following))
            } catch {
                malformed.append("\(error.reason): \(svg[tag.range.lowerBound...].prefix(300))")
            }
        }
        if !malformed.isEmpty {
            Issue.record("\(malformed.count) malformed flame graph frame(s), the first: \(malformed[0])", sourceLocation: sourceLocation)
        }
        return frames
    }

    private struct Malformed: Error {
        let reason: String
        init(_ reason: String) { self.reason = reason }
    }

    private static let groupAttributes: Set<String> = ["class", "data-s", "data-v", "data-d", "data-b", "data-n", "data-ox", "data-ow"]
    private static let rectangleAttributes: Set<String> = ["x", "y", "width", "height", "fill", "rx", "ry"]
    private static let knownClasses: Set<String> = ["hl", "match", "hide", "parent", "zoomed"]

    private static func frame(group: Substring, following: Substring) throws(Malformed) -> DrawnFrame {
        guard let body = following.prefixMatch(of: /<title>([^\n<]*)\n[^<]*<\/title><rect\b([^>]*?)\/?>/) else {
            throw Malformed("not <title>NAME\\nTOOLTIP</title><rect .../> inside the <g>")
        }
        let g = try attributes(group, allowed: groupAttributes)
        let rect = try attributes(body.output.2, allowed: rectangleAttributes)
        func value(_ attributes: [String: String], _ name: String) throws(Malformed) -> String {
            guard let value = attributes[name] else { throw Malformed("no \(name)") }
            return value
        }
        func integer(_ name: String) throws(Malformed) -> Int64 {
            let text = try value(g, name)
            guard text.wholeMatch(of: /-?[0-9]+/) != nil, let number = Int64(text) else { throw Malformed("\(name)=\"\(text)\"") }
            return number
        }
        func coordinate(_ name: String) throws(Malformed) -> Double {
            let text = try value(rect, name)
            guard text.wholeMatch(of: /-?[0-9]+(\.[0-9]+)?/) != nil, let number = Double(text) else { throw Malformed("\(name)=\"\(text)\"") }
            return number
        }
        let depth = try integer("data-d")
        guard depth >= 0 else { throw Malformed("data-d=\"\(depth)\"") }
        guard (g["data-b"] == nil) == (g["data-n"] == nil) else { throw Malformed("data-b without data-n, or the other way") }
        var base: Int64? = nil, new: Int64? = nil
        if g["data-b"] != nil {
            base = try integer("data-b")
            new = try integer("data-n")
        }
        let height = try value(rect, "height")
        guard height.wholeMatch(of: /[0-9]+/) != nil else { throw Malformed("height=\"\(height)\"") }
        let fill = try value(rect, "fill")
        guard !fill.isEmpty else { throw Malformed("an empty fill") }
        let classes = Set((g["class"] ?? "").split(separator: " ").map(String.init))
        guard classes.isSubset(of: knownClasses) else { throw Malformed("class=\"\(g["class"]!)\"") }
        return DrawnFrame(
            name: try decodeEntities(body.output.1),
            start: try integer("data-s"), widthValue: try integer("data-v"), depth: Int(depth),
            base: base, new: new,
            x: try coordinate("x"), y: try coordinate("y"), width: try coordinate("width"),
            fill: fill, classes: classes)
    }

    /// ` name="value"` pairs, each name once and every one of them `allowed`.
    private static func attributes(_ text: Substring, allowed: Set<String>) throws(Malformed) -> [String: String] {
        var attributes: [String: String] = [:]
        var rest = text
        while let pair = rest.prefixMatch(of: /\s+([A-Za-z][-A-Za-z0-9]*)="([^"<]*)"/) {
            let name = String(pair.output.1)
            guard allowed.contains(name) else { throw Malformed("an unexpected attribute \(name)") }
            guard attributes.updateValue(String(pair.output.2), forKey: name) == nil else { throw Malformed("\(name) twice") }
            rest = rest[pair.range.upperBound...]
        }
        guard rest.allSatisfy(\.isWhitespace) else { throw Malformed("attributes not read: \(rest)") }
        return attributes
    }

    /// The title's text with XML's five entities decoded; any other `&` is malformed.
    private static func decodeEntities(_ text: Substring) throws(Malformed) -> String {
        var decoded = ""
        var rest = text
        while let ampersand = rest.firstIndex(of: "&") {
            decoded += rest[..<ampersand]
            rest = rest[ampersand...]
            guard let entity = ["&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": "\"", "&#39;": "'"].first(where: { rest.hasPrefix($0.key) }) else {
                throw Malformed("an unknown entity in the name: \(rest.prefix(10))")
            }
            decoded += entity.value
            rest = rest.dropFirst(entity.key.count)
        }
        return decoded + rest
    }
}
