/// Output lines collected as bytes.
struct SVGBuffer {
    var bytes: [UInt8] = []
    mutating func line(_ text: String) {
        bytes.append(contentsOf: text.utf8)
        bytes.append(UInt8(ascii: "\n"))
    }

    mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    mutating func append(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    /// An integer in decimal, as "\(value)" writes it.
    mutating func append(_ value: Int64) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // Up to 20 digits, last first.
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            } while magnitude > 0
            for index in stride(from: count - 1, through: 0, by: -1) { bytes.append(buffer[index]) }
        }
    }

    /// A coordinate as `Markup.number` writes it.
    mutating func appendNumber(_ value: Double) {
        let hundredths = Int64((value * 100).rounded())
        if hundredths < 0 { bytes.append(UInt8(ascii: "-")) }
        let magnitude = Int64(hundredths.magnitude)
        append(magnitude / 100)
        let fraction = magnitude % 100
        if fraction == 0 { return }
        bytes.append(UInt8(ascii: "."))
        if fraction % 10 == 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(fraction / 10))
        } else {
            bytes.append(UInt8(ascii: "0") + UInt8(fraction / 10))
            bytes.append(UInt8(ascii: "0") + UInt8(fraction % 10))
        }
    }
}
