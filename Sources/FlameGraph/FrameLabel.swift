/// A frame's label as the SVG carries it: the name cut to the frame's width by an average
/// character width (`FlameCanvas.fontWidth` of the font size; no font is at hand here), ending
/// in ".." when cut, empty when fewer than three characters fit. What a viewer without script
/// shows; the script cuts labels again by the font it draws them in.
enum FrameLabel {
    static func fitted(_ name: String, width: Double, fontSize: Double) -> String {
        let fit = Int(((width - 3) / (fontSize * FlameCanvas.fontWidth)).rounded(.down))
        if fit < 3 { return "" }
        let scalars = name.unicodeScalars
        if scalars.count <= fit { return name }
        return String(String.UnicodeScalarView(scalars.prefix(fit - 2))) + ".."
    }
}
