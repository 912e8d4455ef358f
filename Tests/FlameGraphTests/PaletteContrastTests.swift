import FlameGraph
import Foundation
import Testing

/// Colours anyone can read: findings highlighted in one graph do not look alike, and black
/// frame labels stay readable on a differential graph's strongest colours (WCAG AA, 4.5:1).
@Suite struct PaletteContrastTests {
    /// WCAG relative luminance.
    static func luminance(_ c: Palette.RGB) -> Double {
        func channel(_ v: Int) -> Double {
            let s = Double(v) / 255
            return s <= 0.03928 ? s / 12.92 : pow((s + 0.055) / 1.055, 2.4)
        }
        return 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b)
    }

    static func contrastWithBlack(_ c: Palette.RGB) -> Double { (luminance(c) + 0.05) / 0.05 }

    @Test func highlightColoursAreFarApart() {
        let colours = Palette.highlightColors
        #expect(colours.count >= 6)
        for (i, a) in colours.enumerated() {
            for b in colours.dropFirst(i + 1) {
                // Far apart in RGB: the AP1-culprit and AP3 blues that looked alike were ~7 apart.
                let distance = abs(a.r - b.r) + abs(a.g - b.g) + abs(a.b - b.b)
                #expect(distance >= 90, "\(a.css) and \(b.css) are \(distance) apart")
            }
            #expect(Self.contrastWithBlack(a) >= 4.5, "black on \(a.css): \(Self.contrastWithBlack(a))")
        }
    }

    @Test(arguments: [false, true])
    func differentialColoursKeepBlackTextReadable(_ colorblind: Bool) {
        for (base, new) in [(Int64(100), Int64(0)), (0, 100), (100, 1), (1, 100), (100, 50)] {
            let colour = Palette.diffColor(base: base, new: new, colorblind: colorblind)
            #expect(Self.contrastWithBlack(colour) >= 4.5, "\(base) → \(new): black on \(colour.css) is \(Self.contrastWithBlack(colour)):1")
        }
    }
}

