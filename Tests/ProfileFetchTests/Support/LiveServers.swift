import Foundation
import TestSupport
import Testing

/// The servers of one run of the live suite.
struct LiveServers: Sendable {
    let plain: PprofServer
    let tls: PprofServer
    /// The PEM file of the CA that signed `tls`'s certificate.
    let caPath: String

    @TaskLocal static var current: LiveServers?
}

/// Around the whole live suite, once: build the server in a temporary folder, start a plain
/// and a TLS instance, run the tests, then stop both and remove the folder, on every path.
struct LiveServersTrait: SuiteTrait, TestScoping {
    var isRecursive: Bool { false }

    func provideScope(for test: Test, testCase: Test.Case?,
                      performing function: @Sendable () async throws -> Void) async throws {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("proflens-pprofserver-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let started = Date()
        let binary = try GoFixture.build(into: folder)
        let plain = try PprofServer(binary: binary)
        defer { plain.stop() }
        let caPath = folder.appendingPathComponent("ca.pem").path
        let tls = try PprofServer(binary: binary, tls: true, caPath: caPath)
        defer { tls.stop() }
        print("ProfileFetchTests: pprofserver built and started in \(String(format: "%.1f", Date().timeIntervalSince(started))) s (ports \(plain.port), TLS \(tls.port))")
        try await LiveServers.$current.withValue(LiveServers(plain: plain, tls: tls, caPath: caPath)) {
            try await function()
        }
    }
}

extension Trait where Self == LiveServersTrait {
    static var liveServers: Self { LiveServersTrait() }
}

