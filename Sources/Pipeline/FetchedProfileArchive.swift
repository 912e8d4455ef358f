import Foundation
import Pprof
#if canImport(Glibc)
import Glibc
#endif

/// Keeps a copy of every fetched profile, as `go tool pprof` does, so that it can be read
/// again later (`compare ~/pprof/<saved> URL` an hour on): in $PPROF_TMPDIR, else ~/pprof,
/// named as pprof names its copies, `pprof.<program>.<sample types>.NNN.pb.gz` with the first
/// free NNN from 001, written as pprof writes profiles (gzip-compressed protobuf).
public enum FetchedProfileArchive {
    /// pprof's choice of directory: $PPROF_TMPDIR, else $HOME/pprof, else the temporary
    /// directory.
    public static func defaultDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let directory = environment["PPROF_TMPDIR"], !directory.isEmpty { return directory }
        if let home = environment["HOME"], !home.isEmpty { return home + "/pprof" }
        return NSTemporaryDirectory()
    }

    /// pprof's file name prefix: the program's file name (the first mapping's) and every
    /// sample type, each followed by a dot.
    public static func prefix(for profile: Profile) -> String {
        var prefix = "pprof."
        if let main = profile.mappings.first, !main.filename.isEmpty {
            prefix += (main.filename.split(separator: "/").last.map(String.init) ?? main.filename) + "."
        }
        for type in profile.sampleTypes { prefix += type.type + "." }
        // A name from the profile must stay one file name in the directory.
        return String(prefix.map { $0 == "/" || $0 == "\0" ? "_" : $0 })
    }

    /// Writes `profile` into `directory` (made if missing); the path, or why not.
    public static func save(_ profile: Profile, in directory: String) -> Result<String, SaveError> {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            return .failure(SaveError(description: "cannot make the directory: \(error.localizedDescription)"))
        }
        let prefix = prefix(for: profile)
        for index in 1..<10000 {
            let path = directory + "/" + prefix + String(format: "%03d", index) + ".pb.gz"
            let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            if descriptor < 0 {
                if errno == EEXIST { continue }
                return .failure(SaveError(description: String(cString: strerror(errno))))
            }
            var failure: Int32 = 0
            do {
                try ProfileEncoder.writeCompressed(profile) { piece in
                    var offset = 0
                    while offset < piece.count && failure == 0 {
                        let n = write(descriptor, piece.baseAddress! + offset, piece.count - offset)
                        if n < 0 { if errno != EINTR { failure = errno } } else { offset += n }
                    }
                }
            } catch {
                failure = EIO
            }
            if close(descriptor) != 0 && failure == 0 { failure = errno }
            if failure != 0 {
                unlink(path)
                return .failure(SaveError(description: String(cString: strerror(failure))))
            }
            return .success(path)
        }
        return .failure(SaveError(description: "no free name of the form \(prefix)NNN.pb.gz"))
    }

    public struct SaveError: Error, CustomStringConvertible, Sendable {
        public let description: String
    }
}
