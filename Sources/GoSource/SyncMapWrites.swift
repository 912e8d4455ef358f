/// Where a write-heavy `sync.Map` is written. A finding about it may stand on a read (the
/// culprit's heaviest call site, or a hot `Load` the AP2 check confirms because the same map is
/// written per request elsewhere); the statement with the pattern's shape is the write.
public enum SyncMapWrites {
    /// A statement that writes a `sync.Map`.
    public struct Write: Sendable, Equatable {
        /// The path of the file, as given in `GoFile.path`.
        public var path: String
        public var line: Int
        /// The statement's source text, on one line, trimmed.
        public var statement: String
    }

    static let writeMethods: Set<String> = ["Store", "LoadOrStore", "LoadAndDelete", "Delete", "Swap", "CompareAndSwap", "CompareAndDelete"]
    static let readMethods: Set<String> = ["Load", "Range"]

    /// When the statement at `line` of `file` reads a declared `sync.Map` (`Load`, `Range`),
    /// the statements of the package that write the same map: those of the reading function
    /// first, then the others in source order. Empty when the line reads no `sync.Map`.
    public static func writes(ofMapReadAt line: Int, in file: GoFile, package siblings: [GoFile] = []) -> [Write] {
        // The innermost function around the line (a closure inside a method).
        guard let function = file.functions.indices.filter({ file.functions[$0].lines.contains(line) && file.functions[$0].body != nil })
            .min(by: { file.functions[$0].lines.count < file.functions[$1].lines.count }) else { return [] }
        let index = PackageIndex(files: [file] + siblings)
        let hints = index.hints(0)
        for operation in index.operations(0, function) where index.statement(operation.site).lines.contains(line) {
            guard case .methodCall(let method) = operation.kind, readMethods.contains(method),
                  hints.isSyncMap(index.type(of: operation.target, 0, function)),
                  let identity = index.identity(of: operation.target, 0, function) else { continue }
            let writes = index.operations(on: identity) { operation in
                if case .methodCall(let method) = operation.kind { return writeMethods.contains(method) }
                return false
            }
            let ordered = writes.filter { $0.site.file == 0 && $0.site.function == function }
                + writes.filter { !($0.site.file == 0 && $0.site.function == function) }
            return ordered.map { Write(path: index.files[$0.site.file].path, line: index.line($0.site), statement: index.sourceText($0.site)) }
        }
        return []
    }
}
