#!/usr/bin/env python3
"""Measure the discriminating signals of SIGNALS.md in the committed profiles.

Reads profiles/go<V>/<run>/*.pb.gz through Go 1.27's `go tool pprof -traces -lines`
(the reference tool), and prints, per anti-pattern and Go version, the numbers that
separate the positive run, its -moderate and -fixed runs, and its hard negative.

Usage: python3 samples/signals.py [--go 1.19|1.27] [--frames]
  --frames   also list the runtime/sync frame names seen in the profiles, per family

Go 1.27 is $GO_1_27 or ../.venv-go/bin/go (as in generate.sh).
"""
import os
import re
import subprocess
import sys
import tempfile
from collections import defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
os.chdir(HERE)
GO = os.environ.get("GO_1_27") or os.path.join(os.path.dirname(HERE), ".venv-go", "bin", "go")
ENV = dict(os.environ, GOTOOLCHAIN="local", GOTELEMETRY="off", TZ="UTC", LC_ALL="C")
SANDBOX = tempfile.mkdtemp()
ENV.update(HOME=SANDBOX, PPROF_BINARY_PATH=SANDBOX, PPROF_TMPDIR=SANDBOX)
subprocess.run([GO, "tool", "pprof", "-h"], env=ENV, capture_output=True)
PPROF = subprocess.run([GO, "tool", "-n", "pprof"], env=ENV, capture_output=True, text=True).stdout.strip()

UNIT = {"cpu": "ms", "samples": "", "alloc_space": "B", "inuse_space": "B", "alloc_objects": "",
        "inuse_objects": "", "delay": "ms", "contentions": "", "goroutine": ""}
SIZE = {"B": 1, "kB": 1e3, "KB": 1e3, "MB": 1e6, "GB": 1e9, "KiB": 1024, "MiB": 1 << 20}


class Sample:
    __slots__ = ("value", "frames", "labels")

    def __init__(self, value, frames, labels):
        self.value = value
        self.frames = frames  # [(func, file, line)], leaf first
        self.labels = labels

    def has(self, rx):
        return any(rx.search(f) for f, _, _ in self.frames)

    def first(self, rx):
        for fr in self.frames:
            if rx.search(fr[0]):
                return fr
        return None


def num(s):
    m = re.match(r"^(-?[0-9.]+(?:e[+-]?[0-9]+)?)([a-zA-Z]*)$", s)
    if not m:
        raise ValueError(s)
    return float(m.group(1)) * SIZE.get(m.group(2), 1)


_cache = {}


def traces(path, si):
    """The samples of one sample type of a profile, from pprof -traces -lines."""
    key = (path, si)
    if key in _cache:
        return _cache[key]
    args = [PPROF, "-traces", "-lines", "-sample_index=" + si]
    if UNIT.get(si):
        args.append("-unit=" + UNIT[si])
    out = subprocess.run(args + [path], env=ENV, capture_output=True, text=True, check=True).stdout
    samples, header = [], {}
    for block in out.split("-----------+-------------------------------------------------------")[1:]:
        lines = [l for l in block.split("\n") if l.strip()]
        labels, frames, value = {}, [], None
        for l in lines:
            if value is None and re.match(r"^\s+[a-zA-Z_]+:\s", l) and not re.match(r"^\s+-?[0-9]", l):
                k, v = l.strip().split(":", 1)
                labels[k] = v.strip()
                continue
            m = re.match(r"^\s*(-?[0-9][^ ]*)\s{2,}(.*)$", l) if value is None else None
            if m:
                value = num(m.group(1))
                l = "   " + m.group(2)
            fm = re.match(r"^\s+(.*?) ([^ ]+):([0-9]+)(?: \(inline\))?$", l)
            if fm:
                frames.append((fm.group(1), fm.group(2), int(fm.group(3))))
            elif l.strip():
                frames.append((l.strip().replace(" (inline)", ""), "", 0))
        if value is not None:
            samples.append(Sample(value, frames, labels))
    for l in out.split("\n")[:8]:
        m = re.match(r"^Duration: ([0-9.]+)(ms|s|m)", l)
        if m:
            header["duration"] = float(m.group(1)) * {"ms": 1e-3, "s": 1, "m": 60}[m.group(2)]
    _cache[key] = (samples, header)
    return samples, header


def time_of(path):
    """The profile's time_nanos, in seconds (from pprof -raw)."""
    out = subprocess.run([PPROF, "-raw", path], env=ENV, capture_output=True, text=True, check=True).stdout
    m = re.search(r"^Time: (\d+)-(\d+)-(\d+) (\d+):(\d+):(\d+)\.?(\d*)", out, re.M)
    import calendar
    secs = calendar.timegm(tuple(int(x) for x in m.groups()[:6]))
    return secs + (float("0." + m.group(7)) if m.group(7) else 0.0)


def total(samples):
    return sum(s.value for s in samples)


def share(samples, pred):
    t = total(samples)
    return (sum(s.value for s in samples if pred(s)) / t) if t else 0.0


def R(x):
    return re.compile(x)


GROWTH = R(r"^runtime\.(makemap|makemap_small|makeBucketArray|hashGrow|growWork.*|evacuate.*)$|"
           r"^internal/runtime/maps\.(newTable|\(\*table\)\.(rehash|grow|split)|\(\*Map\)\.(growToSmall|growToTable))$")
ITER = R(r"^runtime\.(mapiterinit|mapiternext|mapIterStart|mapIterNext)$")
ITERFN = R(r"^(runtime\.mapiternext|internal/runtime/maps\.\(\*Iter\)\.Next)$")
REVISIT = R(r"^runtime\.mapaccessK$|^internal/runtime/maps\.\(\*Iter\)\.grownKeyElem$")
GC = R(r"^runtime\.(gcBgMarkWorker|gcAssistAlloc|gcAssistAlloc1|gcDrainN|scanobject|scanObject|markroot)$")
ASSIST = R(r"^runtime\.(gcAssistAlloc|gcAssistAlloc1|gcDrainN)$")
SYNCMAP = R(r"^sync\.\(\*Map\)\.|^internal/sync\.\(\*HashTrieMap")
LOCKSLOW = R(r"^(sync\.\(\*Mutex\)\.lockSlow|internal/sync\.\(\*Mutex\)\.lockSlow|sync\.\(\*RWMutex\)\.Lock|"
             r"runtime\.(semacquire1|lock2|futex|procyield|osyield))$")
LOCKFRAME = R(r"^(internal/)?sync\.\(\*(RW)?Mutex\)\.(R?Lock|R?Unlock|lockSlow|unlockSlow|rUnlockSlow)$")
PARKEDLOCK = R(r"^(internal/)?sync\.(runtime_SemacquireMutex|runtime_SemacquireRWMutexR?|\(\*(RW)?Mutex\)\.lockSlow)$")
USER = R(r"^main\.")


def pct(x):
    return "%.1f%%" % (100 * x)


def user_of(s):
    """The innermost main.* frame of a sample (name only)."""
    fr = s.first(USER)
    return fr[0] if fr else None


# Iteration-function lines that visit an entry (per returned element) as opposed to
# skipping empty slots / buckets / groups, from the GOROOT sources:
#  Go 1.19 runtime/map.go mapiternext: 866-879 prologue (one call per element),
#    920-985 key/elem of a full slot, iterator state, return; skipping is 881-918
#    (bucket advance, the slot loop with isEmpty) and 987-989 (b.overflow, goto next).
#  Go 1.27 internal/runtime/maps/table.go (*Iter).Next: 873-979 prologue and the
#    small-map path, 1039-1067 fast-path full slot, 1132-1194 slow-path full slot;
#    skipping is 980-1036 (table advance, group fetch, fast-path slot test) and
#    1070-1130 (matchFull over each group, jumping over empty groups).
# The one line that moves to the next bucket / group: Go 1.19 map.go:987
# (b = b.overflow(t), reading the overflow pointer at the end of the bucket),
# Go 1.27 table.go:1105 (groupMatch = it.group.ctrls().matchFull()).
ADVANCE = {"1.19": [(987, 987)], "1.27": [(1105, 1105)]}
VISIT = {"1.19": [(866, 879), (920, 985)], "1.27": [(873, 979), (1039, 1067), (1132, 1194)]}
EMPTYLOOP = {"1.19": [(913, 918), (987, 989)], "1.27": [(1090, 1130)]}


def in_ranges(line, ranges):
    return any(a <= line <= b for a, b in ranges)


def P(v, run, kind):
    return "profiles/go%s/%s/%s.pb.gz" % (v, run, kind)


def exists(v, run, kind):
    return os.path.exists(P(v, run, kind))


def table(title, cols, rows):
    print("\n" + title + "\n")
    print("| signal | " + " | ".join(cols) + " |")
    print("| --- |" + " --- |" * len(cols))
    for r in rows:
        print("| " + " | ".join(r) + " |")


def ap4(v):
    runs = ["ap4-never-shrink", "ap4-never-shrink-moderate", "ap4-never-shrink-fixed", "dense-iterate"]
    culprit = {"dense-iterate": R(r"^main\.\(\*Catalog\)\.Aggregate$")}
    builder = {"dense-iterate": R(r"^main\.\(\*Catalog\)\.Load$")}
    rows = defaultdict(list)
    for run in runs:
        cu = culprit.get(run, R(r"^main\.\(\*Registry\)\.(Broadcast|Prune)$"))
        bu = builder.get(run, R(r"^main\.\(\*Registry\)\.Register$"))
        cpu, _ = traces(P(v, run, "cpu"), "cpu")
        it = [s for s in cpu if s.has(ITERFN)]
        itv = total(it)
        visit = sum(s.value for s in it if in_ranges(s.first(ITERFN)[2], VISIT[v]))
        empty = sum(s.value for s in it if in_ranges(s.first(ITERFN)[2], EMPTYLOOP[v]))
        cul = [s for s in cpu if s.has(cu)]
        body = total([s for s in cul if not s.has(ITER)])
        inside = total([s for s in cul if s.has(ITER)])
        rows["iteration (mapiterinit/next; mapIterStart/Next) share of CPU"].append(pct(share(cpu, lambda s: s.has(ITER))))
        rows["culprit (cum) share of CPU"].append(pct(share(cpu, lambda s: s.has(cu))))
        rows["iteration samples (10 ms each)"].append("%d" % round(itv / 10))
        rows["share of iteration on entry-visiting lines"].append(pct(visit / itv) if itv else "-")
        rows["share of iteration on the empty-skipping loop lines"].append(pct(empty / itv) if itv else "-")
        adv = sum(s.value for s in it if in_ranges(s.first(ITERFN)[2], ADVANCE[v]))
        rows["share of iteration on the bucket/group advance line (1.19 map.go:987, 1.27 table.go:1105)"].append(pct(adv / itv) if itv else "-")
        rows["loop body / iteration, under the culprit"].append("%.2f" % (body / inside) if inside else "-")
        hs, _ = traces(P(v, run, "heap"), "inuse_space")
        he, _ = traces(P(v, run, "heap-early"), "inuse_space")
        rows["inuse_space under the map's builder (end)"].append("%.1f MB" % (total([s for s in hs if s.has(bu)]) / 2**20))
        rows["inuse_space total, heap-early -> heap"].append("%.1f -> %.1f MB" % (total(he) / 2**20, total(hs) / 2**20))
    table("AP4 vs dense-iterate, Go %s (builder: Register / Load; culprit: Broadcast+Prune / Aggregate)" % v,
          ["ap4", "ap4 -moderate", "ap4 -fixed", "dense-iterate"], [[k] + r for k, r in rows.items()])


def ap3(v):
    runs = ["ap3-delete-keep-ref", "ap3-delete-keep-ref-moderate", "ap3-delete-keep-ref-fixed", "alloc-churn"]
    rows = defaultdict(list)
    for run in runs:
        cpu, _ = traces(P(v, run, "cpu"), "cpu")
        rows["GC share of CPU (bg mark + assist)"].append(pct(share(cpu, lambda s: s.has(GC))))
        rows["mark assist share of CPU"].append(pct(share(cpu, lambda s: s.has(ASSIST))))
        hs, _ = traces(P(v, run, "heap"), "inuse_space")
        he, _ = traces(P(v, run, "heap-early"), "inuse_space")
        ha, _ = traces(P(v, run, "heap"), "alloc_space")
        rows["inuse_space heap-early -> heap"].append("%.1f -> %.1f MB (x%.2f)" % (total(he) / 2**20, total(hs) / 2**20, total(hs) / max(total(he), 1)))
        dt = time_of(P(v, run, "heap")) - time_of(P(v, run, "heap-early"))
        rows["inuse growth rate between them (time_nanos apart)"].append("%+.1f MB/s (%.2f s apart)" % ((total(hs) - total(he)) / 2**20 / dt, dt))
        # The user function holding the most inuse_space at the end, and how much of
        # what it allocated is still live.
        inuse, alloc = defaultdict(float), defaultdict(float)
        for s in hs:
            u = user_of(s)
            if u:
                inuse[u] += s.value
        for s in ha:
            u = user_of(s)
            if u:
                alloc[u] += s.value
        top = max(inuse, key=inuse.get) if inuse else None
        rows["top user fn by inuse_space (leaf-most main.*)"].append(("`%s` %.1f MB" % (top, inuse[top] / 2**20)) if top else "-")
        rows["its inuse_space / alloc_space"].append(pct(inuse[top] / alloc[top]) if top and alloc[top] else "-")
        topa = max(alloc, key=alloc.get) if alloc else None
        rows["top user fn by alloc_space, inuse/alloc"].append(("`%s` %s" % (topa, pct(inuse.get(topa, 0) / alloc[topa]))) if topa else "-")
        grow = defaultdict(float)
        for s in he:
            u = user_of(s)
            if u:
                grow[u] -= s.value
        for s in hs:
            u = user_of(s)
            if u:
                grow[u] += s.value
        g = max(grow, key=grow.get) if grow else None
        rows["largest inuse growth early -> end, by user fn"].append(("`%s` %+.1f MB" % (g, grow[g] / 2**20)) if g else "-")
        small = sum(s.value for s in hs if "bytes" in s.labels and num(s.labels["bytes"]) <= 512)
        rows["inuse_space in blocks <= 512 B (bytes label)"].append(pct(small / total(hs)) if total(hs) else "-")
    table("AP3 vs alloc-churn, Go %s" % v, ["ap3", "ap3 -moderate", "ap3 -fixed", "alloc-churn"],
          [[k] + r for k, r in rows.items()])


def ap1(v):
    runs = ["ap1-range-mutate", "ap1-range-mutate-moderate", "ap1-range-mutate-fixed", "map-requests"]
    culprit = {"map-requests": R(r"^main\.normalize$")}
    rows = defaultdict(list)
    for run in runs:
        cu = culprit.get(run, R(r"^main\.\(\*SessionCache\)\.Expire$"))
        cpu, _ = traces(P(v, run, "cpu"), "cpu")
        g = [s for s in cpu if s.has(GROWTH)]
        gt = total(g)
        rows["map growth share of CPU"].append(pct(share(cpu, lambda s: s.has(GROWTH))))
        rows["iteration share of CPU"].append(pct(share(cpu, lambda s: s.has(ITER))))
        rows["iterator revisit after growth (mapaccessK; (*Iter).grownKeyElem)"].append(pct(share(cpu, lambda s: s.has(REVISIT))))
        # Growth charged to the innermost user function; does that function also iterate?
        byfn = defaultdict(float)
        for s in g:
            byfn[user_of(s) or "(no main.* frame)"] += s.value
        iterfns = set(user_of(s) for s in cpu if s.has(ITER))
        top = max(byfn, key=byfn.get) if byfn else None
        rows["growth: top user fn, its share of all growth"].append(("`%s` %s" % (top, pct(byfn[top] / gt))) if top else "-")
        rows["growth in user fns that also range (same fn)"].append(pct(sum(x for f, x in byfn.items() if f in iterfns) / gt) if gt else "-")
        # Growth under the culprit: at which lines of it?
        lines = defaultdict(float)
        for s in g:
            fr = s.first(cu)
            if fr:
                lines[fr[2]] += s.value
        rows["culprit lines carrying growth (share of growth)"].append(
            ", ".join("%d: %s" % (l, pct(x / gt)) for l, x in sorted(lines.items(), key=lambda kv: -kv[1])[:3]) or "-")
        ha, _ = traces(P(v, run, "heap"), "alloc_space")
        under = [s for s in ha if s.has(cu)]
        big = sum(s.value for s in under if "bytes" in s.labels and num(s.labels["bytes"]) >= 16384)
        rows["alloc_space under the culprit, share of all"].append(pct(total(under) / total(ha)))
        rows["of which in blocks >= 16 KiB (bytes label)"].append(pct(big / total(under)) if total(under) else "-")
    table("AP1 vs map-requests, Go %s (culprit: Expire / normalize)" % v,
          ["ap1", "ap1 -moderate", "ap1 -fixed", "map-requests"], [[k] + r for k, r in rows.items()])


def ap2(v):
    runs = ["ap2-lock-contention", "ap2-lock-contention-moderate", "ap2-lock-contention-fixed", "lock-uncontended"]
    rows = defaultdict(list)
    for run in runs:
        cpu, h = traces(P(v, run, "cpu"), "cpu")
        d = h.get("duration", 0)
        rows["CPU profile duration (wall)"].append("%.2f s" % d)
        rows["sync.Map share of CPU"].append(pct(share(cpu, lambda s: s.has(SYNCMAP))))
        rows["lock slow paths share of CPU"].append(pct(share(cpu, lambda s: s.has(LOCKSLOW))))
        for kind in ("mutex", "block"):
            dl, _ = traces(P(v, run, kind), "delay")
            ct, _ = traces(P(v, run, kind), "contentions")
            lk = [s for s in dl if s.has(LOCKFRAME)]
            lkc = [s for s in ct if s.has(LOCKFRAME)]
            rows["%s: lock delay per second of wall time" % kind].append("%.3f s/s" % (total(lk) / 1000 / d))
            rows["%s: lock contentions per second" % kind].append("%.0f /s" % (total(lkc) / d))
            rows["%s: delay per contention" % kind].append("%.2f ms" % (total(lk) / total(lkc)) if total(lkc) else "-")
            byfn = defaultdict(float)
            for s in lk:
                fr = None
                for f, _, _ in s.frames:
                    if USER.search(f) and not f.startswith("main.main"):
                        fr = f
                        break
                byfn[fr or "(other)"] += s.value
            top = max(byfn, key=byfn.get) if byfn else None
            rows["%s: top user fn's share of lock delay" % kind].append(("`%s` %s" % (top, pct(byfn[top] / total(lk)))) if top else "-")
            if kind == "block":
                rows["block: non-lock delay (channels, WaitGroup, ...)"].append("%.2f s" % ((total(dl) - total(lk)) / 1000))
        gs, _ = traces(P(v, run, "goroutine"), "goroutine")
        parked = [s for s in gs if s.has(PARKEDLOCK)]
        byfn = defaultdict(float)
        for s in parked:
            byfn[user_of(s)] += s.value
        top = max(byfn, key=byfn.get) if byfn else None
        rows["goroutines: parked in a lock / all"].append("%d / %d" % (total(parked), total(gs)))
        rows["goroutines: top user fn of the parked ones"].append(("`%s` %d" % (top, byfn[top])) if top else "-")
    table("AP2 vs lock-uncontended, Go %s" % v,
          ["ap2", "ap2 -moderate", "ap2 -fixed", "lock-uncontended"], [[k] + r for k, r in rows.items()])


FAMILIES = [
    ("map access/assign", R(r"^runtime\.(mapaccess|mapassign)|^internal/runtime/maps\.\(\*(Map|table)\)\.(Get|getWithKey|getWithoutKey|PutSlot|putSlotSmall)|^internal/runtime/maps\.\(\*table\)\.uncheckedPutSlot")),
    ("map growth", R(r"^runtime\.(makemap|makemap_small|makeBucketArray|hashGrow|growWork.*|evacuate.*|newarray)$|^internal/runtime/maps\.(newTable|newarray|newGroups|\(\*table\)\.(rehash|grow|split|reset)|\(\*Map\)\.(growToSmall|growToTable|installTableSplit))")),
    ("map iteration", R(r"^runtime\.(mapiterinit|mapiternext|mapIterStart|mapIterNext)$|^internal/runtime/maps\.\(\*Iter\)|^runtime\.\(\*bmap\)\.overflow$|^runtime\.isEmpty$|^internal/runtime/maps\.(ctrlGroup|bitset|\(\*groupReference\)|groupsReference)")),
    ("map delete / clear", R(r"^runtime\.(mapdelete|mapclear)|^internal/runtime/maps\.\(\*(Map|table)\)\.(Delete|deleteSmall|Clear|clearSmall|pruneTombstones)")),
    ("hashing", R(r"^(aeshashbody|memhash|runtime\.(memhash|strhash|aeshash|nilinterhash|interhash|efaceHash|typehash).*|internal/runtime/maps\.memHash.*)$")),
    ("sync.Map", R(r"^sync\.\(\*Map\)\.|^internal/sync\.\(\*HashTrieMap|^internal/sync\.\(\*(indirect|entry)")),
    ("mutex", R(r"^(internal/)?sync\.\(\*(RW)?Mutex\)|^(internal/)?sync\.runtime_Sem|^runtime\.(semacquire1|semrelease1|lock2|unlock2|futex.*|procyield|osyield)$")),
    ("GC", R(r"^runtime\.(gcBgMarkWorker.*|gcDrain.*|gcAssistAlloc.*|scanobject|scanObject|scanSpan|scanblock|tryDeferToSpanScan|greyobject|findObject|markroot.*|scanstack|bgsweep|sweepone|gcMarkDone|gcMarkTermination|wbBufFlush1?|bulkBarrierPreWrite)$|^internal/runtime/gc/scan\.")),
]


def frames(v):
    seen = defaultdict(set)
    for run in sorted(os.listdir("profiles/go" + v)):
        for kind in sorted(os.listdir("profiles/go%s/%s" % (v, run))):
            k = kind[:-len(".pb.gz")]
            si = {"cpu": "cpu", "heap": "alloc_space", "heap-early": "alloc_space", "mutex": "delay",
                  "block": "delay", "goroutine": "goroutine"}[k]
            for s in traces(P(v, run, k), si)[0]:
                for f, _, _ in s.frames:
                    for fam, rx in FAMILIES:
                        if rx.search(f):
                            seen[fam].add(f)
    print("\nFrames seen in the Go %s profiles (function names as pprof prints them):\n" % v)
    for fam, _ in FAMILIES:
        print("* %s: %s" % (fam, ", ".join("`%s`" % f for f in sorted(seen[fam])) or "-"))


def main():
    versions = ["1.19", "1.27"]
    args = sys.argv[1:]
    show_frames = "--frames" in args
    if "--go" in args:
        versions = [args[args.index("--go") + 1]]
    for v in versions:
        print("\n## Go %s profiles" % v)
        ap1(v)
        ap2(v)
        ap3(v)
        ap4(v)
        if show_frames:
            frames(v)


if __name__ == "__main__":
    main()
