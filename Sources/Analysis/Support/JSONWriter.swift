/// A small JSON builder for reports. Every string goes through `string(_:)`, which escapes
/// quotes, backslashes and control characters; bytes that were not valid UTF-8 in the profile
/// come out as U+FFFD, so the document is always valid JSON.
public struct JSONWriter {
    public private(set) var bytes: [UInt8] = []
    private var needsComma: [Bool] = [false]
    private let indentUnit = "  "

    public init() {}

    public mutating func beginObject() { open(UInt8(ascii: "{")) }
    public mutating func endObject() { close(UInt8(ascii: "}")) }
    public mutating func beginArray() { open(UInt8(ascii: "[")) }
    public mutating func endArray() { close(UInt8(ascii: "]")) }

    public mutating func key(_ name: String) {
        separator()
        writeString(name)
        bytes.append(contentsOf: ": ".utf8)
        needsComma[needsComma.count - 1] = false
        pendingValueAfterKey = true
    }

    public mutating func string(_ value: String) {
        separator()
        writeString(value)
    }

    public mutating func number(_ value: Int64) {
        separator()
        bytes.append(contentsOf: String(value).utf8)
    }

    public mutating func number(_ value: Int) { number(Int64(value)) }

    public mutating func number(_ value: Double) {
        separator()
        if value.isFinite {
            bytes.append(contentsOf: String(value).utf8)
        } else {
            bytes.append(contentsOf: "null".utf8)
        }
    }

    public mutating func bool(_ value: Bool) {
        separator()
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
    }

    public mutating func null() {
        separator()
        bytes.append(contentsOf: "null".utf8)
    }

    // Convenience for "key": value pairs.
    public mutating func field(_ name: String, _ value: String) { key(name); string(value) }
    public mutating func field(_ name: String, _ value: Int64) { key(name); number(value) }
    public mutating func field(_ name: String, _ value: Int) { key(name); number(value) }
    public mutating func field(_ name: String, _ value: Double) { key(name); number(value) }
    public mutating func field(_ name: String, _ value: Bool) { key(name); bool(value) }

    /// An optional string: the value, or null.
    public mutating func field(_ name: String, _ value: String?) {
        key(name)
        if let value { string(value) } else { null() }
    }

    /// An optional number: the value, or null.
    public mutating func field(_ name: String, _ value: Double?) {
        key(name)
        if let value { number(value) } else { null() }
    }

    /// `"name": { ... }`, its members written by `body`.
    public mutating func object(_ name: String, _ body: (inout JSONWriter) -> Void) {
        key(name)
        beginObject()
        body(&self)
        endObject()
    }

    /// `"name": [{...}, ...]`: one object per item, its members written by `body`.
    public mutating func objects<S: Sequence>(_ name: String, _ items: S, _ body: (inout JSONWriter, S.Element) -> Void) {
        key(name)
        beginArray()
        for item in items {
            beginObject()
            body(&self, item)
            endObject()
        }
        endArray()
    }

    /// `"name": ["a", "b"]`.
    public mutating func strings<S: Sequence>(_ name: String, _ items: S) where S.Element == String {
        key(name)
        beginArray()
        for item in items { string(item) }
        endArray()
    }

    private var pendingValueAfterKey = false

    private mutating func separator() {
        if pendingValueAfterKey {
            pendingValueAfterKey = false
            needsComma[needsComma.count - 1] = true
            return
        }
        if needsComma[needsComma.count - 1] { bytes.append(UInt8(ascii: ",")) }
        if needsComma.count > 1 { newline(depth: needsComma.count - 1) }
        needsComma[needsComma.count - 1] = true
    }

    private mutating func open(_ bracket: UInt8) {
        separator()
        bytes.append(bracket)
        needsComma.append(false)
    }

    private mutating func close(_ bracket: UInt8) {
        let hadItems = needsComma.removeLast()
        if hadItems { newline(depth: needsComma.count - 1) }
        bytes.append(bracket)
        if needsComma.count == 1 && needsComma[0] { bytes.append(UInt8(ascii: "\n")) }
    }

    private mutating func newline(depth: Int) {
        bytes.append(UInt8(ascii: "\n"))
        for _ in 0..<depth { bytes.append(contentsOf: indentUnit.utf8) }
    }

    private mutating func writeString(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": bytes.append(contentsOf: "\\\"".utf8)
            case "\\": bytes.append(contentsOf: "\\\\".utf8)
            case "\n": bytes.append(contentsOf: "\\n".utf8)
            case "\r": bytes.append(contentsOf: "\\r".utf8)
            case "\t": bytes.append(contentsOf: "\\t".utf8)
            case "<", ">", "&", "\u{2028}", "\u{2029}":
                // Escaped so the JSON stays inert if embedded in HTML or a script.
                bytes.append(contentsOf: unicodeEscape(scalar.value).utf8)
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    bytes.append(contentsOf: unicodeEscape(scalar.value).utf8)
                } else if scalar.value >= 0x10FF00 && scalar.value <= 0x10FFFF {
                    bytes.append(contentsOf: "\\ufffd".utf8)
                } else {
                    bytes.append(contentsOf: String(scalar).utf8)
                }
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private func unicodeEscape(_ value: UInt32) -> String {
        let hex = String(value, radix: 16)
        return "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }
}
