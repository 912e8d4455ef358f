/// The built-in rules (JSON, the format of `--rules`; `proflens rules` prints it). Frame
/// patterns cover both Go map implementations: runtime/map*.go up to Go 1.23 and the Swiss
/// tables of internal/runtime/maps from Go 1.24. See ../shared/antipatterns.md and the
/// README's "Rules" section for why each signal and threshold.
enum BuiltinRules {
    static let json = #"""
{
  "rules": [
    {
      "id": "AP1",
      "title": "Map mutated while ranging over it",
      "kinds": ["cpu"],
      "sampleTypes": ["cpu", "samples"],
      "frames": [
        "^runtime\\.(makemap|makemap_small|makeBucketArray|hashGrow|growWork(_fast.*)?|evacuate(_fast.*)?)$",
        "^internal/runtime/maps\\.(newTable|newarray|\\(\\*table\\)\\.(grow|split|rehash)|\\(\\*Map\\)\\.(growToSmall|growToTable|grow))$"
      ],
      "alsoFrames": [
        "^runtime\\.mapiter(init|next)$",
        "^internal/runtime/maps\\.\\(\\*Iter\\)\\.(Init|Next)$"
      ],
      "userCulpritsOnly": true,
      "thresholds": {"info": 0.05, "warning": 0.15, "critical": 0.35},
      "corroboration": {
        "kinds": ["heap"], "sampleTypes": ["alloc_space"], "minShare": 0.30,
        "description": "the same code allocates most of the heap (map buckets rebuilt again and again)"
      },
      "explanation": "A function that ranges over a map also grows or rebuilds maps: runtime time goes to allocating bucket arrays and evacuating entries while the iterator walks old and new buckets. Inserting during range may or may not visit the new keys, and reassigning the map inside the loop rebuilds it on every pass.",
      "fix": "Collect the keys to change in a slice during the range and mutate after the loop; or build the new map in a separate variable and swap it in once, after the loop (size it with make(map[K]V, n))."
    },
    {
      "id": "AP2",
      "title": "Concurrent map writes",
      "kinds": ["cpu", "goroutine", "other"],
      "sampleTypes": ["cpu", "samples", "goroutine", "count"],
      "frames": [
        "^runtime\\.(throw|fatal|fatalthrow)$"
      ],
      "calledFrom": [
        "^runtime\\.(mapassign|mapdelete|mapaccess[12K]?|mapiternext|mapiterinit)(_fast.*)?$",
        "^internal/runtime/maps\\."
      ],
      "thresholds": {"info": 0.0, "warning": 0.0, "critical": 0.0},
      "explanation": "The runtime caught two goroutines writing one map (fatal error: concurrent map writes). This cannot be recovered: the process dies.",
      "fix": "Guard the map with a sync.RWMutex (or shard it across several locks); never share a plain map between writing goroutines; use sync.Map only for keys written once and read often."
    },
    {
      "id": "AP2",
      "title": "Write-heavy sync.Map",
      "kinds": ["cpu"],
      "sampleTypes": ["cpu", "samples"],
      "frames": [
        "^sync\\.\\(\\*Map\\)\\.(Store|LoadOrStore|LoadAndDelete|Swap|Delete|CompareAndSwap|CompareAndDelete|dirtyLocked|missLocked)$",
        "^internal/sync\\.\\(\\*HashTrieMap\\[.*\\]\\)\\.(Store|LoadOrStore|Swap|Delete|LoadAndDelete|expand)$"
      ],
      "userCulpritsOnly": true,
      "thresholds": {"info": 0.05, "warning": 0.15, "critical": 0.35},
      "explanation": "sync.Map is built for keys written once and read many times; under frequent writes it copies its read-only map (dirtyLocked), takes its mutex on misses and allocates an entry per store, so writers serialize and the CPU goes to bookkeeping.",
      "fix": "Use a plain map guarded by a sync.RWMutex, sharded by key hash across several locks if one lock is hot; keep sync.Map for read-mostly keys written once."
    },
    {
      "id": "AP2",
      "title": "Lock contention around shared state",
      "kinds": ["mutex", "block"],
      "sampleTypes": ["delay", "contentions"],
      "frames": [
        "^sync\\.\\(\\*(Mutex|RWMutex)\\)\\.(Lock|Unlock|RLock|RUnlock|lockSlow|unlockSlow|rUnlockSlow)$",
        "^sync\\.\\(\\*Map\\)\\."
      ],
      "userCulpritsOnly": true,
      "thresholds": {"info": 0.25, "warning": 2, "critical": 2},
      "explanation": "Most of the time goroutines spent waiting was on mutexes taken by this code. One lock around a hot map serializes every reader and writer (a mutex or block profile alone cannot tell how long the wait was per second; read it with the CPU profile).",
      "fix": "Hold the lock only around the map operation, use sync.RWMutex for read-mostly maps, or shard the map across several locks by key hash."
    },
    {
      "id": "AP3",
      "title": "Deleted map values kept alive (GC pressure)",
      "kinds": ["cpu"],
      "sampleTypes": ["cpu", "samples"],
      "frames": [
        "^runtime\\.(gcBgMarkWorker|gcAssistAlloc|gcAssistAlloc1|gcDrain|gcDrainN|scanobject|markroot|greyobject|scanblock)$"
      ],
      "thresholds": {"info": 0.20, "warning": 0.35, "critical": 0.50},
      "corroboration": {
        "kinds": ["heap"], "sampleTypes": ["inuse_space"], "minShare": 0.30,
        "description": "the same code holds most of the in-use heap"
      },
      "explanation": "The garbage collector takes a large share of CPU, and the code that allocates is made to assist it: the live heap is large and keeps growing. With maps this is typically values removed from the map (or overwritten with an empty value instead of deleted) that stay referenced from a cache, a slice or a closure, so nothing is freed.",
      "fix": "Call delete(m, k) and drop every other reference to the value (nil the slice element, remove it from the cache); do not 'delete' by assigning an empty value; for large values prefer storing them by value or recycling them through a pool."
    },
    {
      "id": "AP4",
      "title": "Map iterated far beyond its live size",
      "kinds": ["cpu"],
      "sampleTypes": ["cpu", "samples"],
      "frames": [
        "^runtime\\.(mapiterinit|mapiternext|mapclear)$",
        "^internal/runtime/maps\\.\\(\\*Iter\\)\\.(Init|Next)$",
        "^internal/runtime/maps\\.\\(\\*(Map|table)\\)\\.Clear$"
      ],
      "userCulpritsOnly": true,
      "thresholds": {"info": 0.10, "warning": 0.25, "critical": 0.45},
      "corroboration": {
        "kinds": ["heap"], "sampleTypes": ["inuse_space"], "minShare": 0.30,
        "description": "the same code (or its type) holds most of the in-use heap: the bucket array of the map's peak size"
      },
      "explanation": "Ranging over or clearing maps takes a large share of CPU. A Go map never gives its bucket array back: after most keys are deleted, len(m) is small but every range still walks all the buckets of the peak size, and the memory stays held.",
      "fix": "When a map has shrunk far below its peak, copy the live entries into a new map and drop the old one (m = maps.Clone(m) or a rebuild); use clear(m) (Go 1.21+) to empty it wholly; size maps for their steady state."
    }
  ]
}
"""#
}
