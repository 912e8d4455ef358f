/// The built-in rules (JSON, the format of `--rules`; `proflens rules` prints it). Frame
/// patterns cover both Go map implementations, read from real profiles of Go 1.19 and Go 1.27
/// programs (samples/SIGNALS.md): runtime/map*.go up to Go 1.23 and the Swiss tables of
/// internal/runtime/maps from Go 1.24, and both garbage collectors (Green Tea since Go 1.26).
/// Each rule's signals are what tells the pattern from its healthy look-alike (README,
/// "Rules"); without them a finding stays at info.
enum BuiltinRules {
    static let json = #"""
{
  "rules": [
    {
      "id": "AP1",
      "title": "Map rebuilt or grown while ranging over it",
      "kinds": ["cpu"],
      "sampleTypes": ["cpu", "samples"],
      "frames": [
        "^runtime\\.(makemap|makemap_small|makeBucketArray|hashGrow|growWork(_fast.*)?|evacuate(_fast.*)?)$",
        "^internal/runtime/maps\\.(newTable|newarray|\\(\\*table\\)\\.(grow|split|rehash)|\\(\\*Map\\)\\.(growToSmall|growToTable))$"
      ],
      "alsoFrames": [
        "^runtime\\.(mapiterinit|mapiternext|mapIterStart|mapIterNext)$",
        "^internal/runtime/maps\\.\\(\\*Iter\\)\\.(Init|Next)$"
      ],
      "userCulpritsOnly": true,
      "thresholds": {"info": 0.05, "warning": 0.08, "critical": 0.35},
      "signals": [
        {
          "name": "iteratorRelookup", "kind": "culpritFrames", "role": "discriminates",
          "description": "the range loop looks its keys up again because the map it iterates grew under it",
          "frames": [
            "^runtime\\.mapaccessK$",
            "^internal/runtime/maps\\.\\(\\*Iter\\)\\.grownKeyElem$",
            "^internal/runtime/maps\\.\\(\\*Map\\)\\.getWithKey(Small)?$",
            "^internal/runtime/maps\\.\\(\\*table\\)\\.getWithKey$"
          ],
          "within": ["^runtime\\.mapiternext$", "^internal/runtime/maps\\.\\(\\*Iter\\)\\.Next$"],
          "minShare": 0.002
        },
        {
          "name": "heapAllocated", "kind": "heapHeld", "role": "confirms", "sampleType": "alloc_space",
          "description": "the same code allocates most of the heap (map tables rebuilt again and again)",
          "minShare": 0.3
        }
      ],
      "confirmWith": [
        {"evidence": "heap", "text": "a heap profile of the same run (alloc_space shows the tables rebuilt)"},
        {"evidence": "source", "text": "the source (--source-path): the range loop and the insert or reassignment inside it"}
      ],
      "sourceRaises": true, "sourceLowers": true,
      "explanation": "A function that ranges over a map also grows or rebuilds large maps: the time goes to allocating tables and moving entries while the range runs. Inserting into the map being ranged may or may not visit the new keys, and rebuilding the map inside the loop copies it on every pass.",
      "fix": "Collect the keys to change in a slice during the range and mutate after the loop; or build the new map in a separate variable and swap it in once, after the loop (size it with make(map[K]V, n))."
    },
    {
      "id": "AP1",
      "title": "Keys inserted into a map while ranging over it",
      "variant": "keys-inserted",
      "yieldsTo": "Map rebuilt or grown while ranging over it",
      "kinds": ["cpu"],
      "sampleTypes": ["cpu", "samples"],
      "frames": ["^runtime\\.mapassign(_fast.*)?$"],
      "alsoFrames": [
        "^runtime\\.(mapiterinit|mapiternext|mapIterStart|mapIterNext)$",
        "^internal/runtime/maps\\.\\(\\*Iter\\)\\.(Init|Next)$"
      ],
      "userCulpritsOnly": true,
      "thresholds": {"info": 0.05, "warning": 0.08, "critical": 0.35},
      "signals": [
        {
          "name": "sourceShape", "kind": "source", "role": "discriminates",
          "description": "the source shows the insert going into the map being ranged (a key moved or added inside the loop)"
        }
      ],
      "confirmWith": [
        {"evidence": "source", "text": "the source (--source-path): whether the loop inserts into the map it ranges, or into another map"}
      ],
      "sourceRaises": true, "sourceLowers": true,
      "explanation": "A function that ranges over a map also inserts into a map, without the map growing (re-keying: delete the old key, insert the new one). If the insert goes into the map being ranged, the loop may or may not visit the new keys, and may visit a moved key twice; a profile cannot tell which map it is.",
      "fix": "Collect the keys to add or rename in a slice during the range and apply them after the loop, or build the re-keyed map in a separate variable and swap it in once."
    },
    {
      "id": "AP2",
      "title": "Concurrent map writes",
      "variant": "concurrent-writes",
      "kinds": ["cpu", "goroutine", "other"],
      "sampleTypes": ["cpu", "samples", "goroutine", "count"],
      "frames": [
        "^runtime\\.(throw|fatal|fatalthrow)$",
        "^internal/runtime/maps\\.fatal$"
      ],
      "calledFrom": [
        "^runtime\\.(mapassign|mapdelete|mapaccess[12K]?|mapiternext|mapiterinit|mapIterNext|mapIterStart)(_fast.*)?$",
        "^internal/runtime/maps\\."
      ],
      "thresholds": {"info": 0.0, "warning": 0.0, "critical": 0.0},
      "explanation": "The runtime caught two goroutines writing one map (fatal error: concurrent map writes). This cannot be recovered: the process dies.",
      "fix": "Guard the map with a sync.RWMutex (or shard it across several locks); never share a plain map between writing goroutines; use sync.Map only for keys written once and read often."
    },
    {
      "id": "AP2",
      "title": "Write-heavy sync.Map",
      "variant": "sync-map",
      "kinds": ["cpu"],
      "sampleTypes": ["cpu", "samples"],
      "frames": [
        "^sync\\.\\(\\*Map\\)\\.",
        "^internal/sync\\.\\(\\*HashTrieMap\\[.*\\]\\)\\."
      ],
      "userCulpritsOnly": true,
      "thresholds": {"info": 0.03, "warning": 0.05, "critical": 0.35},
      "signals": [
        {
          "name": "writeHeavy", "kind": "frameShare", "role": "discriminates",
          "description": "share of the sync.Map time in writes (stores, deletes, and the copies they force)",
          "frames": [
            "^sync\\.\\(\\*Map\\)\\.(Store|LoadOrStore|LoadAndDelete|Swap|Delete|CompareAndSwap|CompareAndDelete|dirtyLocked|missLocked)$",
            "^internal/sync\\.\\(\\*HashTrieMap\\[.*\\]\\)\\.(Store|LoadOrStore|LoadAndDelete|Swap|Delete|CompareAndSwap|CompareAndDelete|expand|swap|store|delete)$"
          ],
          "minShare": 0.4
        }
      ],
      "confirmWith": [
        {"evidence": "mutexOrBlock", "text": "a mutex or block profile of the same run shows how long writers wait"},
        {"evidence": "source", "text": "the source (--source-path): the sync.Map writes"}
      ],
      "explanation": "sync.Map is built for keys written once and read many times; under frequent writes it copies and locks (Go 1.19: dirtyLocked, missLocked; Go 1.24+: HashTrieMap expanding and swapping nodes) and allocates on every store, so writers serialize and the CPU goes to bookkeeping.",
      "fix": "Use a plain map guarded by a sync.RWMutex, sharded by key hash across several locks if one lock is hot; keep sync.Map for read-mostly keys written once."
    },
    {
      "id": "AP2",
      "title": "Lock contention around shared state",
      "variant": "lock-contention",
      "kinds": ["mutex", "block"],
      "sampleTypes": ["delay", "contentions"],
      "frames": [
        "^sync\\.\\(\\*(Mutex|RWMutex)\\)\\.(Lock|Unlock|RLock|RUnlock|lockSlow|unlockSlow|rUnlockSlow|TryLock)$",
        "^internal/sync\\.\\(\\*(Mutex|RWMutex)\\)\\.",
        "^sync\\.\\(\\*Map\\)\\.",
        "^internal/sync\\.\\(\\*HashTrieMap\\[.*\\]\\)\\."
      ],
      "userCulpritsOnly": true,
      "thresholds": {"info": 0.1, "warning": 0.1, "critical": 0.1},
      "signals": [
        {
          "name": "goroutinesWaiting", "kind": "perSecond", "role": "discriminates",
          "description": "goroutines waiting on these locks on average (seconds waited per second of the run)",
          "levels": {"info": 0, "warning": 2.0, "critical": 8.0}
        },
        {
          "name": "goroutinesParked", "kind": "goroutinesParked", "role": "confirms",
          "description": "goroutines parked on a lock under the same code right now",
          "frames": ["^(sync|internal/sync)\\.runtime_Semacquire(RW)?Mutex(R)?$", "^(sync|internal/sync)\\.\\(\\*(Mutex|RWMutex)\\)\\.(lockSlow|Lock|RLock)$"],
          "minShare": 0.25
        }
      ],
      "confirmWith": [
        {"evidence": "cpu", "text": "the CPU profile of the same run (its duration turns the delay into goroutines waiting on average)"},
        {"evidence": "goroutine", "text": "a goroutine profile of the same run (how many goroutines are parked on the lock)"},
        {"evidence": "source", "text": "the source (--source-path): the lock around the map"}
      ],
      "explanation": "Goroutines wait on mutexes taken by this code. One lock around a hot map serializes every reader and writer; the delay per second of the run says how much of the program's time is spent queuing.",
      "fix": "Hold the lock only around the map operation, use sync.RWMutex for read-mostly maps, or shard the map across several locks by key hash."
    },
    {
      "id": "AP2",
      "title": "Goroutines queued on one lock",
      "variant": "lock-queue",
      "kinds": ["goroutine"],
      "sampleTypes": ["goroutine", "goroutines", "count"],
      "frames": ["^(sync|internal/sync)\\.runtime_Semacquire(RW)?Mutex(R)?$", "^(sync|internal/sync)\\.\\(\\*(Mutex|RWMutex)\\)\\.(lockSlow|Lock|RLock)$"],
      "userCulpritsOnly": true,
      "shareOf": "topCulprit",
      "thresholds": {"info": 0.1, "warning": 0.1, "critical": 2},
      "signals": [
        {
          "name": "goroutinesQueued", "kind": "culpritCount", "role": "discriminates",
          "description": "goroutines parked on a lock at the moment of the snapshot",
          "levels": {"info": 0, "warning": 8, "critical": 8}
        }
      ],
      "confirmWith": [
        {"evidence": "mutexOrBlock", "text": "a mutex or block profile and the CPU profile of the same run (the delay per second of the run is the number waiting on average, not at one moment)"},
        {"evidence": "source", "text": "the source (--source-path): the lock around the map"}
      ],
      "explanation": "At the moment the goroutine profile was taken, many goroutines were parked waiting for a lock under the same code: one lock around shared state serializes them.",
      "fix": "Hold the lock only around the map operation, use sync.RWMutex for read-mostly maps, or shard the map across several locks by key hash."
    },
    {
      "id": "AP3",
      "title": "Garbage collector marking a growing heap",
      "variant": "gc-marking",
      "kinds": ["cpu"],
      "sampleTypes": ["cpu", "samples"],
      "frames": [
        "^runtime\\.(gcBgMarkWorker|gcAssistAlloc|gcAssistAlloc1|gcDrain|gcDrainN|gcDrainMarkWorkerDedicated|gcDrainMarkWorkerFractional|gcDrainMarkWorkerIdle|scanobject|scanObject|scanSpan|tryDeferToSpanScan|markroot|greyobject|scanblock)$",
        "^internal/runtime/gc/scan\\."
      ],
      "thresholds": {"info": 0.1, "warning": 0.15, "critical": 0.4},
      "signals": [
        {
          "name": "heapGrowth", "kind": "heapGrowth", "role": "discriminates",
          "description": "the in-use heap keeps growing between two heap profiles of the run",
          "minValue": 8388608, "minShare": 0.2
        }
      ],
      "confirmWith": [
        {"evidence": "heaps", "text": "two heap profiles of the same run taken some time apart (GC work alone is also what allocation churn costs)"}
      ],
      "checksSource": false,
      "explanation": "The garbage collector takes a large share of CPU marking a live heap that keeps growing. With maps this is typically values removed from the map (or overwritten with an empty value instead of deleted) that stay referenced from a cache, a slice or a closure, so nothing is freed.",
      "fix": "Call delete(m, k) and drop every other reference to the value (nil the slice element, remove it from the cache); do not 'delete' by assigning an empty value; for large values prefer storing them by value or recycling them through a pool."
    },
    {
      "id": "AP3",
      "title": "In-use heap kept by one owner",
      "variant": "heap-kept",
      "kinds": ["heap"],
      "sampleTypes": ["inuse_space"],
      "frames": ["."],
      "culprit": "allocator",
      "shareOf": "topCulprit",
      "minValue": 8388608,
      "thresholds": {"info": 0.3, "warning": 0.3, "critical": 0.6},
      "signals": [
        {
          "name": "heapGrowth", "kind": "heapGrowth", "role": "discriminates",
          "description": "what this owner holds keeps growing",
          "minValue": 8388608, "minShare": 0.2
        }
      ],
      "confirmWith": [
        {"evidence": "heaps", "text": "a second heap profile of the same run taken later (proflens analyze early.heap late.heap): a loaded dataset is held too, but does not grow"},
        {"evidence": "source", "text": "the source (--source-path): the value kept after delete, or the empty value stored in its place"}
      ],
      "sourceRaises": true,
      "explanation": "One function's allocations hold most of the in-use heap. When it keeps growing, values are being kept alive after they left the map: deleted keys whose values stay referenced elsewhere, or entries overwritten with an empty value instead of deleted.",
      "fix": "Call delete(m, k) and drop every other reference to the value; do not 'delete' by assigning an empty value; bound any list of recent items."
    },
    {
      "id": "AP4",
      "title": "Map iterated far beyond its live size",
      "variant": "sparse-iteration",
      "kinds": ["cpu"],
      "sampleTypes": ["cpu", "samples"],
      "frames": [
        "^runtime\\.(mapiterinit|mapiternext|mapIterStart|mapIterNext)$",
        "^internal/runtime/maps\\.\\(\\*Iter\\)\\.(Init|Next)$"
      ],
      "userCulpritsOnly": true,
      "thresholds": {"info": 0.05, "warning": 0.08, "critical": 0.35},
      "signals": [
        {
          "name": "emptySlotScan", "kind": "frameShare", "role": "discriminates",
          "description": "share of the iteration spent scanning groups for full slots (Swiss tables, Go 1.24+)",
          "frames": ["^internal/runtime/maps\\.ctrlGroup\\.matchFull$"],
          "within": ["^internal/runtime/maps\\.\\(\\*Iter\\)\\.Next$"],
          "minShare": 0.45
        },
        {
          "name": "emptyBucketWalk", "kind": "frameShare", "role": "discriminates",
          "description": "share of the iteration spent stepping from bucket to bucket (Go up to 1.23)",
          "frames": ["^runtime\\.\\(\\*bmap\\)\\.overflow$"],
          "within": ["^runtime\\.mapiternext$"],
          "minShare": 0.12
        },
        {
          "name": "heapHeld", "kind": "heapHeld", "role": "confirms",
          "description": "the table of the map's peak size is still held",
          "minShare": 0.3
        }
      ],
      "confirmWith": [
        {"evidence": "heap", "text": "a heap profile of the same run (the peak-size table is held)"},
        {"evidence": "source", "text": "the source (--source-path): the map emptied key by key and never re-made"}
      ],
      "sourceLowers": true,
      "explanation": "Ranging over the map spends its time skipping empty slots: a Go map never gives its table back, so after most keys are deleted len(m) is small, yet every range still walks the whole table of its peak size, and the memory stays held.",
      "fix": "When a map has shrunk far below its peak, copy the live entries into a new map and drop the old one (m = maps.Clone(m) or a rebuild); use clear(m) (Go 1.21+) to empty it wholly; size maps for their steady state."
    },
    {
      "id": "AP4",
      "title": "Map emptied at its peak size",
      "variant": "cleared-table",
      "kinds": ["cpu"],
      "sampleTypes": ["cpu", "samples"],
      "frames": [
        "^runtime\\.mapclear$",
        "^internal/runtime/maps\\.\\(\\*(Map|table)\\)\\.Clear$"
      ],
      "userCulpritsOnly": true,
      "thresholds": {"info": 0.05, "warning": 0.08, "critical": 0.35},
      "signals": [
        {
          "name": "clearedTableHeld", "kind": "heapHeld", "role": "discriminates",
          "description": "the emptied map's owner holds the heap: a table kept at its peak size, not a small scratch map",
          "minShare": 0.3
        }
      ],
      "confirmWith": [
        {"evidence": "heap", "text": "a heap profile of the same run (a table kept at its peak size is held by the map's owner; a scratch map holds almost nothing)"},
        {"evidence": "source", "text": "the source (--source-path): the map emptied key by key and never re-made"}
      ],
      "sourceLowers": true,
      "explanation": "Emptying a map costs time in proportion to its table, not to the keys it holds: Go up to 1.23 zeroes every bucket of the table the map grew to. A map that peaked and now holds a handful of keys, emptied often, pays for its peak on every clear, and keeps that table in memory.",
      "fix": "After a peak, replace the map (m = make(map[K]V)) instead of emptying it key by key or with clear(m); size maps for their steady state."
    },
    {
      "id": "AP4",
      "title": "Map table held at its peak size",
      "variant": "peak-table",
      "kinds": ["heap"],
      "sampleTypes": ["inuse_space"],
      "frames": ["."],
      "culprit": "allocator",
      "shareOf": "topCulprit",
      "minValue": 8388608,
      "thresholds": {"info": 0.3, "warning": 2, "critical": 2},
      "signals": [
        {
          "name": "largeBlocks", "kind": "objectSize", "role": "requires",
          "description": "tables rather than values: a few large blocks", "minValue": 2048
        }
      ],
      "confirmWith": [
        {"evidence": "cpu", "text": "a CPU profile of the same run: ranging over a map that holds few keys shows as time skipping empty slots"}
      ],
      "sourceLowers": true,
      "explanation": "One function holds most of the in-use heap in large blocks, as a map's table is held. A map that grew to a peak and then lost most of its keys keeps that table; a heap profile cannot tell it from a map that is full.",
      "fix": "If the map has shrunk far below its peak, copy the live entries into a new map and drop the old one (maps.Clone or a rebuild); size maps for their steady state."
    }
  ]
}
"""#
}
