/// The file a flame graph goes to when none is named: the profile's name without its
/// directory and profile suffixes, plus ".svg" ("cpu.pb.gz" → "cpu.svg").
public enum SVGFileName {
    public static func forProfile(_ argument: String) -> String {
        var name = Substring(argument.split(separator: "/", omittingEmptySubsequences: true).last ?? "profile")
        if argument == "-" || argument.contains("://") { name = "profile" }
        for suffix in [".gz", ".pb", ".pprof", ".prof"] where name.hasSuffix(suffix) && name.count > suffix.count {
            name = name.dropLast(suffix.count)
        }
        let safe = String(name.unicodeScalars.filter { $0.value >= 0x20 && $0 != "\u{7F}" }.map(Character.init))
        return (safe.isEmpty || safe.hasPrefix(".") ? "profile" : safe) + ".svg"
    }
}
