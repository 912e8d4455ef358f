// The goroutine labels (as set by pprof.Do) on every sample of the wide CPU
// shapes: two string labels, sorted by key as Go writes them. One is fixed by
// the stack's top-level subtree (the HTTP handler, the job, the component);
// the other varies (the tenant or the worker) and is what makes a stack's
// several samples distinct: its value is picked by the sample's variant.

struct GoroutineLabels {
    /// Distinct values of the varying label, so at most this many samples per stack.
    static let variants = 64

    static let jobs = ["compact", "reindex", "export", "sweep", "rollup", "gc-orphans"]
    static let components = ["ingest", "billing", "search", "cache", "scheduler", "notifier", "audit", "indexer"]

    private let builder: ProfileBuilder
    private var keyIDs = [UInt64](repeating: 0, count: 6)
    private var handlerIDs = [UInt64](repeating: 0, count: Catalog.endpoints.count)
    private var jobIDs = [UInt64](repeating: 0, count: GoroutineLabels.jobs.count)
    private var componentIDs = [UInt64](repeating: 0, count: GoroutineLabels.components.count)
    private var tenantIDs = [UInt64](repeating: 0, count: GoroutineLabels.variants)
    private var workerIDs = [UInt64](repeating: 0, count: GoroutineLabels.variants)

    private static let keys = ["component", "handler", "job", "tenant", "worker"]
    private enum Key: Int { case component, handler, job, tenant, worker }

    init(builder: ProfileBuilder) {
        self.builder = builder
    }

    private mutating func label(_ key: Key, _ value: UInt64) {
        let k = builder.intern(&keyIDs, key.rawValue) { Self.keys[key.rawValue] }
        builder.stringLabel(key: k, value: value)
    }

    /// Writes the labels of a sample of stack `stack` (of `kind`, in top-level
    /// subtree `branch`) with variant `variant`.
    mutating func write(kind: Catalog.RootKind, branch: Int, stack: Int, variant: Int) {
        let fixed = Int(SplitMix64.mix(UInt64(branch) &+ 0x1AB) % 1_000_003)
        let varying = (variant + Int(SplitMix64.mix(UInt64(stack)) % UInt64(Self.variants))) % Self.variants
        switch kind {
        case .http:
            let e = fixed % Catalog.endpoints.count
            label(.handler, builder.intern(&handlerIDs, e) { Catalog.endpoints[e] })
            label(.tenant, builder.intern(&tenantIDs, varying) { "tenant-\(pad2(varying))" })
        case .worker:
            let j = fixed % Self.jobs.count
            label(.job, builder.intern(&jobIDs, j) { Self.jobs[j] })
            label(.worker, builder.intern(&workerIDs, varying) { "worker-\(pad2(varying))" })
        case .main:
            let c = fixed % Self.components.count
            label(.component, builder.intern(&componentIDs, c) { Self.components[c] })
            label(.tenant, builder.intern(&tenantIDs, varying) { "tenant-\(pad2(varying))" })
        }
    }
}
