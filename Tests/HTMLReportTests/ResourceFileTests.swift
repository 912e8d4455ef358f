import Foundation
@testable import Reports
import TestSupport
import Testing

/// The page's script and style sheet are files (Sources/Reports/Resources) compiled into the
/// module: the page carries them as they are written, and Chromium reads them without a problem.
@Suite(.serialized) struct ResourceFileTests {
    static let folder = Paths.packageRoot.appendingPathComponent("Sources/Reports/Resources")

    static func file(_ name: String) throws -> String {
        try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
    }

    @Test func thePageCarriesTheFilesAsTheyAreWritten() throws {
        let script = try Self.file("report.js"), style = try Self.file("report.css")
        #expect(HTMLScript.source + "\n" == script && HTMLStyle.css + "\n" == style)
        let html = String(decoding: try HTMLReportTests.comparePage(), as: UTF8.self)
        #expect(html.contains("<style>\n" + style + "</style>\n"))
        #expect(html.contains("<script>\n" + script + "</script>\n"))
    }

    @Test(.needsChromium) func theScriptCompilesAndRunsInAnEmptyPage() throws {
        let scripts = Paths.files(in: Self.folder, suffix: ".js")
        #expect(scripts.map(\.lastPathComponent) == ["report.js"])
        for file in scripts {
            let problems = try SyntaxCheck.scriptProblems(String(contentsOf: file, encoding: .utf8))
            #expect(problems == [], "\(file.lastPathComponent): \(problems)")
        }
    }

    @Test(.needsChromium) func theStyleSheetParses() throws {
        let sheets = Paths.files(in: Self.folder, suffix: ".css")
        #expect(sheets.map(\.lastPathComponent) == ["report.css"])
        for file in sheets {
            let problems = try SyntaxCheck.styleProblems(String(contentsOf: file, encoding: .utf8))
            #expect(problems == [], "\(file.lastPathComponent): \(problems)")
        }
    }
}
