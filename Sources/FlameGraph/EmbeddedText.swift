/// The text of a file that SwiftPM compiled into the module (`.embedInCode` in Package.swift
/// generates `PackageResources`, one byte array per file), so that the binary needs no resource
/// bundle beside it. The file's final newline is left out: the writers end that line
/// themselves, as they end every line they write.
public enum EmbeddedText {
    public static func string(_ bytes: [UInt8]) -> String {
        let text = String(decoding: bytes, as: UTF8.self)
        return text.hasSuffix("\n") ? String(text.dropLast()) : text
    }
}
