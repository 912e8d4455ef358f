/// Writes the frames: in `<g id="frames">`, for each frame of the layout a `<g>` with its
/// position and value for the script (data-s start, data-v width, data-d depth; a differential
/// graph's base and new values, data-b and data-n), a `<title>` tooltip (the name, then the
/// value), the rectangle and the label.
enum FrameWriter {
    static func write(_ layout: FlameLayout, _ canvas: FlameCanvas, into out: inout SVGBuffer) {
        let options = canvas.options
        out.line("<g id=\"\(canvas.id("frames"))\">")
        let tooltips = FrameTooltip(unit: options.unit, layout: layout)
        for frame in layout.frames {
            let name = frame.name < 0 ? "all" : layout.names[Int(frame.name)]
            let width = Double(frame.width) * canvas.scale
            let x = FlameCanvas.xpad + Double(frame.start) * canvas.scale
            let y: Double
            if options.inverted {
                y = canvas.titleArea + Double(Int(frame.depth) * options.frameHeight)
            } else {
                y = Double(canvas.height) - canvas.bottomArea - Double((Int(frame.depth) + 1) * options.frameHeight)
            }
            let fill = fill(frame, name: name, canvas)
            let tooltip = options.differential ? tooltips.differential(frame) : tooltips.plain(frame)
            let label = FrameLabel.fitted(name, width: width, fontSize: options.fontSize)
            // <g class="hl" data-s=".." data-v=".." data-d=".." data-b=".." data-n=".."><title>NAME
            // TOOLTIP</title><rect .../><text ...>LABEL</text></g>, written straight into the
            // output (thousands of frames: no string is built for a line).
            out.append(options.highlights[name] != nil ? "<g class=\"hl\" data-s=\"" : "<g data-s=\"")
            out.append(frame.start)
            out.append("\" data-v=\"")
            out.append(frame.width)
            out.append("\" data-d=\"")
            out.append(Int64(frame.depth))
            if options.differential {
                out.append("\" data-b=\"")
                out.append(frame.baseValue)
                out.append("\" data-n=\"")
                out.append(frame.value)
            }
            out.append("\"><title>")
            out.append(Markup.escape(name))
            out.append("\n")
            out.append(Markup.escape(tooltip))
            out.append("</title><rect x=\"")
            out.appendNumber(x)
            out.append("\" y=\"")
            out.appendNumber(y)
            out.append("\" width=\"")
            out.appendNumber(width)
            out.append("\" height=\"")
            out.append(Int64(options.frameHeight - 1))
            out.append("\" fill=\"rgb(")
            out.append(Int64(fill.r))
            out.append(",")
            out.append(Int64(fill.g))
            out.append(",")
            out.append(Int64(fill.b))
            out.append(")\" rx=\"2\" ry=\"2\"/><text x=\"")
            out.appendNumber(x + 3)
            out.append("\" y=\"")
            out.appendNumber(y + Double(options.frameHeight) - 4.5)
            out.append("\">")
            out.append(Markup.escape(label))
            out.append("</text></g>\n")
        }
        out.line("</g>")
    }

    /// A frame's colour: the fixed one of a golden; in a differential graph the colour of its
    /// change (highlighted frames keep it and get a heavy outline); a highlighted frame's
    /// legend entry's; the root grey; else the palette's for its name.
    static func fill(_ frame: FlameLayout.Frame, name: String, _ canvas: FlameCanvas) -> Palette.RGB {
        let options = canvas.options
        if let fixed = options.fixedFill { return fixed }
        if options.differential {
            return Palette.diffColor(base: frame.baseValue, new: frame.value, colorblind: options.colorblindDiff)
        }
        if let entry = options.highlights[name] { return canvas.highlightColor(entry) }
        if frame.name < 0 { return options.dark ? Palette.RGB(r: 120, g: 120, b: 120) : Palette.RGB(r: 200, g: 200, b: 200) }
        return options.palette.color(for: name)
    }
}
