/// Tells a profile from what servers send instead (a login page, a proxy's error text, an
/// empty answer) by the declared content type and the first bytes. A profile is gzip
/// (`1f 8b`) or raw protobuf; whether it decodes is for the decoder to say.
public enum BodyCheck {
    /// How many leading bytes are looked at, and kept of a body known not to be a profile.
    public static let sniffLength = 512

    /// Nil when the body may be a profile; otherwise why it is not.
    public static func problem(_ body: ArraySlice<UInt8>, contentType: String?) -> FetchError.Reason? {
        if body.isEmpty { return .empty }
        if isGzip(body) { return nil }
        let mediaType = contentType.map(Self.mediaType) ?? ""
        let text = looksLikeText(body)
        // '<' (0x3c) is field 7 with wire type 4 (end group): never a profile's first byte.
        if mediaType == "text/html" || mediaType == "application/xhtml+xml" || body.first == UInt8(ascii: "<")
            || (text && firstNonBlank(body) == UInt8(ascii: "<")) {
            return .htmlPage(contentType: contentType)
        }
        if mediaType.hasPrefix("text/") || mediaType == "application/json" || mediaType.hasSuffix("+json") || text {
            return .text(contentType: contentType, firstLine: Escaping.firstLine(body.prefix(sniffLength)))
        }
        return nil
    }

    public static func isGzip(_ body: ArraySlice<UInt8>) -> Bool {
        body.count >= 2 && body[body.startIndex] == 0x1f && body[body.startIndex + 1] == 0x8b
    }

    /// `text/html; charset=utf-8` → `text/html`.
    static func mediaType(_ contentType: String) -> String {
        let type = contentType.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        return type.trimmingSpaces().lowercased()
    }

    /// True when the first `sniffLength` bytes hold no control byte but tab, newline, carriage
    /// return and form feed, and are UTF-8 (a sequence cut at the end of the window is fine).
    /// A protobuf profile starts with tags and lengths: small bytes that text does not hold.
    static func looksLikeText(_ body: ArraySlice<UInt8>) -> Bool {
        let window = body.prefix(sniffLength)
        for byte in window where (byte < 0x20 && byte != 0x09 && byte != 0x0a && byte != 0x0c && byte != 0x0d) || byte == 0x7f {
            return false
        }
        if String(validating: window, as: UTF8.self) != nil { return true }
        // The window may cut a multi-byte sequence at its end.
        guard body.count > window.count else { return false }
        for cut in 1...3 where String(validating: window.dropLast(cut), as: UTF8.self) != nil { return true }
        return false
    }

    static func firstNonBlank(_ body: ArraySlice<UInt8>) -> UInt8? {
        var rest = body.prefix(sniffLength)
        // A UTF-8 byte order mark.
        if rest.starts(with: [0xEF, 0xBB, 0xBF]) { rest = rest.dropFirst(3) }
        return rest.first { $0 != 0x20 && $0 != 0x09 && $0 != 0x0a && $0 != 0x0d && $0 != 0x0c }
    }
}

extension Substring {
    fileprivate func trimmingSpaces() -> String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
