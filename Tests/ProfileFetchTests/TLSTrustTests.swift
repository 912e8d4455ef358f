import TestSupport
import Foundation
import Testing
@testable import ProfileFetch

/// HTTPS with certificate verification that succeeds.
///
/// On Linux, URLSession (libcurl) trusts only the system CA bundle: swift-corelibs-foundation
/// reads `URLSessionCertificateAuthorityInfoFile` on Android only, and libcurl ignores
/// `SSL_CERT_FILE` once it has its built-in bundle path. So the test runs one test of this
/// very test binary again in a private mount namespace (unshare -m) where the test CA is
/// bind-mounted over the system bundle; the machine's own bundle is untouched. Where that is
/// not permitted (not root, no unshare), the test is skipped.
enum MountNamespace {
    static let systemBundle = "/etc/ssl/certs/ca-certificates.crt"
    static let unshare = "/usr/bin/unshare"

    static let isAvailable: Bool = {
        guard geteuid() == 0, FileManager.default.isExecutableFile(atPath: unshare),
              FileManager.default.fileExists(atPath: systemBundle) else { return false }
        return (try? Subprocess.run(unshare, ["-m", "/bin/true"]).status) == 0
    }()
}

extension LiveServerTests {
    @Test(.enabled(if: MountNamespace.isAvailable, "needs root and unshare(1) to trust the test CA in a private mount namespace"))
    func trustedCertificateFetchesOverTLS() throws {
        let url = servers.tls.url("/debug/pprof/heap")
        let testBinary = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        var environment = ProcessInfo.processInfo.environment
        environment[TLSNamespaceChild.variable] = url.absoluteString
        let script = "mount --bind \"$0\" \(MountNamespace.systemBundle) && exec \"$@\""
        let result = try Subprocess.run(MountNamespace.unshare,
                                        ["-m", "--propagation", "private", "/bin/sh", "-c", script, servers.caPath,
                                         testBinary, "--testing-library", "swift-testing",
                                         "--filter", "TLSNamespaceChild"],
                                        environment: environment)
        let output = result.stdout + result.stderr
        #expect(result.status == 0, "child: \(output)")
        #expect(output.contains("fetchOverTrustedTLS() passed"), "child: \(output)")
        // The bind mount stayed in the child's namespace.
        let bundle = try String(contentsOfFile: MountNamespace.systemBundle, encoding: .utf8)
        let testCA = try String(contentsOfFile: servers.caPath, encoding: .utf8)
        #expect(bundle != testCA)
    }
}

/// The half of `trustedCertificateFetchesOverTLS` that runs in the mount namespace; skipped
/// in an ordinary run.
@Suite struct TLSNamespaceChild {
    static let variable = "PROFLENS_FETCH_TLS_CHILD_URL"
    static let url = ProcessInfo.processInfo.environment[variable]

    @Test(.enabled(if: url != nil, "runs only as the child of LiveServerTests.trustedCertificateFetchesOverTLS"))
    func fetchOverTrustedTLS() throws {
        let url = try #require(URL(string: Self.url ?? ""))
        #expect(url.scheme == "https")
        let bytes = try Fetcher(timeout: 10, maxBytes: 64 << 20).fetch(url)
        #expect(bytes.starts(with: [0x1f, 0x8b]))
        #expect(bytes.count > 100)
    }
}
