import Analysis

/// Frame colours. Every palette is deterministic: a frame's colour depends only on its name
/// (and, for differential graphs, on its change), so the same input gives the same file.
public enum Palette: String, Sendable, CaseIterable {
    /// Warm reds, oranges and yellows, as flamegraph.pl's default.
    case hot
    /// One hue per origin: runtime, sync, standard library, the user's own code.
    case package
    /// The package palette in colours told apart with any colour vision (Okabe–Ito).
    case colorblind

    public struct RGB: Equatable, Sendable {
        public var r, g, b: Int
        public var css: String { "rgb(\(r),\(g),\(b))" }
        public init(r: Int, g: Int, b: Int) {
            self.r = r
            self.g = g
            self.b = b
        }
    }

    public func color(for name: String) -> RGB {
        let (v1, v2, v3) = Self.hashFractions(name)
        switch self {
        case .hot:
            return RGB(r: 205 + Int(50 * v3), g: Int(230 * v1), b: Int(55 * v2))
        case .package:
            let shade = Int(30 * v1)
            switch FrameOrigin(functionName: name) {
            case .runtime: return RGB(r: 225 + shade / 2, g: 110 + shade, b: 90 + shade)
            case .sync: return RGB(r: 180 + shade, g: 120 + shade, b: 215 + shade / 2)
            case .standardLibrary: return RGB(r: 110 + shade, g: 160 + shade, b: 225 + shade / 3)
            case .user: return RGB(r: 70 + shade, g: 195 + shade, b: 90 + shade)
            case .native: return RGB(r: 175 + shade, g: 175 + shade, b: 175 + shade)
            }
        case .colorblind:
            let shade = Int(25 * v1)
            switch FrameOrigin(functionName: name) {
            case .runtime: return RGB(r: 230, g: 159 - shade / 2, b: 0 + shade)              // orange
            case .sync: return RGB(r: 204, g: 121 + shade, b: 167 + shade / 2)             // reddish purple
            case .standardLibrary: return RGB(r: 86 + shade, g: 180 + shade / 2, b: 233)   // sky blue
            case .user: return RGB(r: 0 + shade, g: 114 + shade, b: 178 + shade)           // blue
            case .native: return RGB(r: 170 + shade, g: 170 + shade, b: 170 + shade)
            }
        }
    }

    /// Colour of a frame in a differential graph: red where it grew, blue where it shrank,
    /// stronger for a larger change relative to the frame; white where nothing changed. The
    /// colour-blind choice uses orange for growth.
    package static func diffColor(base: Int64, new: Int64, colorblind: Bool) -> RGB {
        let larger = max(abs(base), abs(new))
        if larger == 0 || base == new { return RGB(r: 250, g: 250, b: 250) }
        let change = Double(new - base) / Double(larger)   // -1 ... 1
        // At most 160 of 255: black text keeps a contrast of at least 4.5:1 (WCAG AA) on the
        // strongest blue, (95, 95, 255).
        let strength = Int((min(abs(change), 1) * 160).rounded())
        if change > 0 {
            return colorblind ? RGB(r: 255, g: 255 - strength / 2, b: 255 - strength) : RGB(r: 255, g: 255 - strength, b: 255 - strength)
        }
        return colorblind ? RGB(r: 255 - strength, g: 255 - strength / 2, b: 255) : RGB(r: 255 - strength, g: 255 - strength, b: 255)
    }

    /// Three numbers in [0, 1) from the name, the same on every run and machine (FNV-1a).
    static func hashFractions(_ name: String) -> (Double, Double, Double) {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in name.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let a = Double(hash & 0xFFFF) / 65536
        let b = Double((hash >> 16) & 0xFFFF) / 65536
        let c = Double((hash >> 32) & 0xFFFF) / 65536
        return (a, b, c)
    }

    /// Colours of highlighted findings, in the order of their legend: hues far apart (after
    /// Okabe–Ito), light enough for black text. More entries than colours reuse them.
    public static let highlightColors: [RGB] = [
        RGB(r: 86, g: 180, b: 233),   // sky blue
        RGB(r: 230, g: 159, b: 0),    // orange
        RGB(r: 0, g: 170, b: 125),    // bluish green
        RGB(r: 240, g: 228, b: 66),   // yellow
        RGB(r: 204, g: 121, b: 167),  // reddish purple
        RGB(r: 245, g: 120, b: 60),   // vermillion
        RGB(r: 150, g: 150, b: 245),  // lavender
        RGB(r: 180, g: 220, b: 120),  // light green
    ]
}
