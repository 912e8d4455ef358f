/// Profile strings are bytes, not necessarily UTF-8. Valid UTF-8 becomes an ordinary String;
/// each byte of an invalid sequence becomes one code point in a private-use range
/// (U+10FF00 + byte), so that text output can give back the original bytes exactly, as
/// `go tool pprof` prints them.
public enum ProfileText {
    static let escapeBase: UInt32 = 0x10FF00

    public static func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        // Fast path: valid UTF-8 without any character of the escape range (which real
        // text could contain, and which must then be escaped byte by byte too).
        if let valid = String(validating: bytes, as: UTF8.self), !bytes.contains(0xF4) || !containsEscapeRange(valid) {
            return valid
        }
        var scalars = String.UnicodeScalarView()
        var index = 0
        while index < bytes.count {
            let length = validSequenceLength(bytes, at: index)
            if length == 4 && bytes[index] == 0xF4 && bytes[index + 1] == 0x8F && bytes[index + 2] >= 0xBC {
                // A real U+10FF00...U+10FFFF: kept as its four bytes, so it round-trips.
                for offset in 0..<4 { scalars.append(Unicode.Scalar(escapeBase + UInt32(bytes[index + offset]))!) }
                index += 4
            } else if length > 0 {
                var decoder = UTF8()
                var iterator = bytes[index..<index + length].makeIterator()
                if case .scalarValue(let scalar) = decoder.decode(&iterator) { scalars.append(scalar) }
                index += length
            } else {
                scalars.append(Unicode.Scalar(escapeBase + UInt32(bytes[index]))!)
                index += 1
            }
        }
        return String(scalars)
    }

    private static func containsEscapeRange(_ text: String) -> Bool {
        text.unicodeScalars.contains(where: isEscapedByte)
    }

    /// The original bytes of a decoded profile string.
    public static func rawBytes(_ text: String) -> [UInt8] {
        var needsWork = false
        for scalar in text.unicodeScalars where scalar.value >= escapeBase && scalar.value <= escapeBase + 0xFF {
            needsWork = true
            break
        }
        if !needsWork { return Array(text.utf8) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            if scalar.value >= escapeBase && scalar.value <= escapeBase + 0xFF {
                bytes.append(UInt8(scalar.value - escapeBase))
            } else {
                bytes.append(contentsOf: String(scalar).utf8)
            }
        }
        return bytes
    }

    /// True when the scalar stands for a raw byte that was not valid UTF-8.
    public static func isEscapedByte(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value >= escapeBase && scalar.value <= escapeBase + 0xFF
    }

    /// Length of the valid UTF-8 sequence starting at `index`, or 0 if none does.
    private static func validSequenceLength(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Int {
        let first = bytes[index]
        let length: Int
        switch first {
        case 0x00...0x7F: return 1
        case 0xC2...0xDF: length = 2
        case 0xE0...0xEF: length = 3
        case 0xF0...0xF4: length = 4
        default: return 0
        }
        guard index + length <= bytes.count else { return 0 }
        if String(validating: UnsafeBufferPointer(rebasing: bytes[index..<index + length]), as: UTF8.self) != nil {
            return length
        }
        return 0
    }
}
