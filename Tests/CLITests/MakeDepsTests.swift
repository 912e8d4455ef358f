import Foundation
import Testing
import TestSupport

/// `make deps` (which `make run` and `make build` start with) as root on a Debian machine:
/// it installs only what is missing, and never upgrades what is installed. apt-get, dpkg-query,
/// pkg-config and id are stand-ins on PATH that record what they were asked, so the test
/// changes nothing on the machine.
@Suite struct MakeDepsTests {
    /// The installed runtime libraries the stand-in dpkg-query reports.
    static let curlVersion = "7.88.1-10+deb12u5", zlibVersion = "1:1.2.13.dfsg-1+deb12u1"

    /// A folder of stand-ins: root, libcurl unknown to pkg-config (its -dev package missing),
    /// libcurl4 and zlib1g installed at older versions than the package lists offer.
    static func standIns() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("proflens-deps-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let scripts = [
            "id": "#!/bin/sh\necho 0\n",
            "pkg-config": "#!/bin/sh\nexit 1\n",
            "apt-get": "#!/bin/sh\necho \"$*\" >> \"\(folder.path)/apt-get.log\"\n",
            "dpkg-query": """
                #!/bin/sh
                for last; do :; done
                case "$last" in
                  libcurl4) printf '%s' 'install ok installed|\(curlVersion)' ;;
                  zlib1g) printf '%s' 'install ok installed|\(zlibVersion)' ;;
                  *) echo "dpkg-query: no packages found matching $last" >&2; exit 1 ;;
                esac

                """,
        ]
        for (name, text) in scripts {
            let file = folder.appendingPathComponent(name)
            try Data(text.utf8).write(to: file)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: file.path)
        }
        return folder
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/make"), "needs make"))
    func rootInstallsTheMissingDevPackagesAtTheInstalledLibrariesVersions() throws {
        let folder = try Self.standIns()
        defer { try? FileManager.default.removeItem(at: folder) }
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = folder.path + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
        let result = try Subprocess.run("/usr/bin/make", ["-s", "deps"], in: CLI.packageRoot, environment: environment)
        #expect(result.status == 0, "\(result.stderr)")
        let log = (try? String(contentsOf: folder.appendingPathComponent("apt-get.log"), encoding: .utf8)) ?? ""
        let installs = log.split(separator: "\n").filter { $0.hasPrefix("install ") }
        #expect(installs.count == 1, "\(log)")
        let words = installs.first.map { $0.split(separator: " ").map(String.init) } ?? []
        // What an already installed package would be upgraded by is refused; -dev packages are
        // pinned to the library installed (the newest would upgrade libcurl4 and curl).
        #expect(words.contains("--no-upgrade"), "\(words)")
        #expect(words.contains("libcurl4-openssl-dev=\(Self.curlVersion)"), "\(words)")
        let zlibMissing = !FileManager.default.fileExists(atPath: "/usr/include/zlib.h")
        #expect(words.contains("zlib1g-dev=\(Self.zlibVersion)") == zlibMissing, "\(words)")
        // Nothing is asked for that is present (pkg-config is, as a stand-in).
        #expect(!words.contains { $0.hasPrefix("pkg-config") }, "\(words)")
        #expect(words.filter { $0.hasSuffix("-dev") }.isEmpty, "an unpinned -dev package: \(words)")
        #expect(!log.contains("upgrade\n") && !log.contains("dist-upgrade"), "\(log)")
    }
}
