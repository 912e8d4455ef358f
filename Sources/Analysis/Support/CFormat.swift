#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// printf's formatting of one number, as Foundation's `String(format:)` does it (Foundation
/// hands floating-point conversions to the C library), at a tenth of the cost: a flame graph
/// formats a few numbers for each of its thousands of frames.
enum CFormat {
    /// `format` holds one conversion of a Double ("%.2f", "%5.2g%%").
    static func string(_ format: StaticString, _ value: Double) -> String {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 64) { buffer in
            let count = withVaList([value]) { arguments in
                format.withUTF8Buffer { format in
                    format.withMemoryRebound(to: CChar.self) { vsnprintf(buffer.baseAddress!, buffer.count, $0.baseAddress!, arguments) }
                }
            }
            if count >= 0 && Int(count) < buffer.count {
                return String(decoding: UnsafeRawBufferPointer(start: buffer.baseAddress!, count: Int(count)), as: UTF8.self)
            }
            // Longer than the buffer (a huge number): formatted into one that fits.
            var large = [CChar](repeating: 0, count: Int(count) + 1)
            _ = withVaList([value]) { arguments in
                format.withUTF8Buffer { format in
                    format.withMemoryRebound(to: CChar.self) { vsnprintf(&large, large.count, $0.baseAddress!, arguments) }
                }
            }
            return String(decoding: large.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }
}
