import TestSupport
import Testing

/// TestSupport's reader of a flame graph's frames, which the graph tests rely on: it reads a
/// frame as proflens writes it and as a browser serialises it after the script ran, and it
/// reports a frame it cannot read instead of leaving it out unnoticed.
@Suite struct DrawnFrameTests {
    static let written = """
        <g class="hl" data-s="5" data-v="10" data-d="2" data-b="3" data-n="10"><title>a&lt;b&gt; &amp;&quot;&#39;
        tip</title><rect x="10.5" y="20" width="30.25" height="15" fill="rgb(1,2,3)" rx="2" ry="2"/><text x="13.5" y="31.5">a</text></g>

        """
    /// The same frame after the script ran: data-ox/data-ow and a class appended, quotes unescaped.
    static let serialisedByABrowser = """
        <g class="hl match" data-s="5" data-v="10" data-d="2" data-b="3" data-n="10" data-ox="10.5" data-ow="30.25"><title>a&lt;b&gt; &amp;"'
        tip</title><rect x="10.5" y="20" width="30.25" height="15" fill="rgb(1,2,3)" rx="2" ry="2"></rect><text x="13.5" y="31.5">a</text></g>

        """

    @Test func readsTheFrameAsWrittenAndAsABrowserSerialisesIt() throws {
        let written = try #require(DrawnFrame.frames(in: "<g id=\"frames\">\n" + Self.written + "</g>").first)
        #expect(written.name == "a<b> &\"'" && written.start == 5 && written.widthValue == 10 && written.depth == 2)
        #expect(written.base == 3 && written.new == 10 && written.highlighted)
        #expect(written.x == 10.5 && written.y == 20 && written.width == 30.25 && written.fill == "rgb(1,2,3)")
        var matched = written
        matched.classes.insert("match")
        #expect(DrawnFrame.frames(in: Self.serialisedByABrowser) == [matched])
        let reordered = Self.written.replacingOccurrences(of: #"data-s="5" data-v="10""#, with: #"data-v="10" data-s="5""#)
            .replacingOccurrences(of: #"x="10.5" y="20""#, with: #"y="20" x="10.5""#)
        #expect(DrawnFrame.frames(in: reordered) == [written])
        // A legend entry is no frame.
        #expect(DrawnFrame.frames(in: #"<g class="legend"><rect x="1" y="2" width="3" height="3" fill="red"/></g>"#).isEmpty)
    }

    static let malformed: [(String, String)] = [
        ("no data-v", written.replacingOccurrences(of: #" data-v="10""#, with: "")),
        ("no data-s", written.replacingOccurrences(of: #" data-s="5""#, with: "")),
        ("not an integer", written.replacingOccurrences(of: #"data-v="10""#, with: #"data-v="1e3""#)),
        ("negative depth", written.replacingOccurrences(of: #"data-d="2""#, with: #"data-d="-2""#)),
        ("an unknown attribute", written.replacingOccurrences(of: #"data-d="2""#, with: #"data-d="2" data-q="1""#)),
        ("an attribute twice", written.replacingOccurrences(of: #"data-d="2""#, with: #"data-d="2" data-d="3""#)),
        ("not an attribute", written.replacingOccurrences(of: #"data-d="2""#, with: #"data-d="2" junk"#)),
        ("a class the script does not set", written.replacingOccurrences(of: #"class="hl""#, with: #"class="weird""#)),
        ("data-b without data-n", written.replacingOccurrences(of: #" data-n="10""#, with: "")),
        ("no title", written.replacingOccurrences(of: "<title>a&lt;b&gt; &amp;&quot;&#39;\ntip</title>", with: "")),
        ("an unknown entity", written.replacingOccurrences(of: "&amp;", with: "&nbsp;")),
        ("not a coordinate", written.replacingOccurrences(of: #"width="30.25""#, with: #"width="nan""#)),
        ("no fill", written.replacingOccurrences(of: #" fill="rgb(1,2,3)""#, with: "")),
        ("a fractional height", written.replacingOccurrences(of: #"height="15""#, with: #"height="1.5""#)),
    ]

    /// The issue must be the reader's own: an expectation that failed inside `withKnownIssue`
    /// would pass for it (a malformed frame read as a frame makes two).
    @Test(arguments: malformed)
    func aMalformedFrameIsAnIssue(_ what: String, _ frame: String) {
        var frames: [DrawnFrame] = []
        withKnownIssue(Comment(rawValue: what)) {
            frames = DrawnFrame.frames(in: Self.written + frame)
        } matching: { issue in
            issue.comments.contains { $0.rawValue.contains("malformed flame graph frame") }
        }
        // The well-formed frame beside it is still read.
        #expect(frames.count == 1, "\(what)")
    }
}
