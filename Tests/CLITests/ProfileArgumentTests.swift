import Foundation
import Testing
import TestSupport

/// Every command's profile arguments, as `--help` describes them and bash completes them:
/// files, standard input, URLs and host:port.
@Suite struct ProfileArgumentTests {
    static let commands = ["analyze", "top", "traces", "list", "fold", "flame", "compare", "report", "merge"]

    @Test(arguments: commands)
    func helpNamesURLsAndHostPort(_ command: String) throws {
        let help = try CLI.run([command, "--help"]).text
        let arguments = try #require(help.components(separatedBy: "ARGUMENTS:").last?.components(separatedBy: "OPTIONS:").first)
        // ArgumentParser wraps long lines: read the section as one line.
        let text = arguments.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(text.contains("http(s):// URLs") && text.contains("host:port"), "\(command): \(text)")
        #expect(text.contains("- for standard input"), "\(command): \(text)")
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/bin/bash"), "needs bash"))
    func bashCompletesProfileFiles() throws {
        let script = try CLI.run(["--generate-completion-script", "bash"])
        #expect(script.status == 0)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("proflens-completion-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try script.stdout.write(to: folder.appendingPathComponent("proflens.bash"))
        for name in ["sample-cpu.pb.gz", "sample-heap.pprof", "other.pb.gz"] {
            try Data().write(to: folder.appendingPathComponent(name))
        }
        // What bash does on `proflens <words> samp<TAB>`: the completion function with the words,
        // the command, the word being completed and the one before it.
        func complete(_ words: [String]) throws -> [String] {
            let line = words.joined(separator: " ")
            let driver = """
                source ./proflens.bash
                COMP_WORDS=(\(words.map { "'\($0)'" }.joined(separator: " ")))
                COMP_CWORD=\(words.count - 1)
                COMP_LINE='\(line)'
                COMP_POINT=${#COMP_LINE}
                _proflens "${COMP_WORDS[0]}" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
                printf '%s\\n' "${COMPREPLY[@]}"
                """
            let result = try Subprocess.run("/bin/bash", ["-c", driver], in: folder)
            #expect(result.status == 0, "\(result.stderr)")
            return result.stdout.split(separator: "\n").map(String.init).sorted()
        }
        for words in [["proflens", "top", "samp"], ["proflens", "analyze", "sample-cpu.pb.gz", "samp"], ["proflens", "compare", "--base", "samp"],
                      ["proflens", "merge", "-o", "out.pb.gz", "samp"]] {
            #expect(try complete(words) == ["sample-cpu.pb.gz", "sample-heap.pprof"], "\(words)")
        }
        #expect(try complete(["proflens", "flame", "oth"]) == ["other.pb.gz"])
    }
}
