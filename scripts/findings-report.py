#!/usr/bin/env python3
"""Runs proflens's rules over every sample program and profile in samples/profiles and prints
a markdown report: true/false positives and negatives per rule and Go version, then every
run's verdicts. `make findings-report` writes it to samples/FINDINGS.md.

What counts (the same expectations as Tests/FindingsTests/SampleFindingsTests.swift):
- a positive run (ap1..ap4 and their -moderate variants) must show its pattern at warning or
  above, with one of its culprits, on each profile set that carries the pattern's
  discriminating evidence (AP3: two heap profiles; GC work on a CPU profile alone is also what
  allocation churn costs), and no other pattern at warning;
- a negative run (-fixed variants, hard negatives, healthy) must show nothing at warning or
  above, on each profile alone and on all of the run's profiles together.
Then the blind programs, batch by batch (samples/blind/<batch>/<program>/, each with the label
its writer gave it before any rule ran: label.json), per program and Go version:
- all of a run's profiles together: a positive counts when its pattern is found at warning or
  above with the labelled culprit among the finding's culprits; any other pattern at warning
  is a false positive of that rule; a look-alike counts as a false positive of every rule that
  reaches warning on it;
- each profile the label says can tell alone ("alone"), judged the same way;
- with the source (--source-path samples/blind/<batch>): a positive counts as confirmed when its
  pattern's finding says `confirmed`; a look-alike, when any finding says `confirmed`.
Usage: python3 scripts/findings-report.py [PROFLENS_BINARY]
"""
import json
import os
import subprocess
import tempfile
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, ".build/debug/proflens")
PROFILES = os.environ.get('PROFLENS_SAMPLE_PROFILES', os.path.join(ROOT, 'samples/profiles'))
LEVELS = {"info": 1, "warning": 2, "critical": 3}

POSITIVES = {
    "ap1-range-mutate": ("AP1", ["main.(*SessionCache).Expire"], [["cpu"], ["cpu", "heap"]]),  # with the source
    "ap2-lock-contention": ("AP2", ["main.(*RequestTracker).Start", "main.(*RequestTracker).Poll",
                                    "main.(*RequestTracker).Finish", "main.(*MetricsRegistry).Observe"],
                            [["cpu", "mutex"], ["cpu", "block"], ["cpu", "mutex", "block", "goroutine", "heap"]]),
    "ap3-delete-keep-ref": ("AP3", ["main.(*Upload).AddPart", "main.(*UploadTracker).Begin", "main.(*UploadTracker).Finish", "main.readBody", "main.receiveUpload"],
                            [["heap-early", "heap"], ["cpu", "heap-early", "heap"]]),
    "ap4-never-shrink": ("AP4", ["main.(*Registry).Broadcast", "main.(*Registry).Prune"], [["cpu"], ["cpu", "heap"]]),
}
# AP1's sample re-makes the map it ranges over: a CPU profile cannot tell that from a
# copy-on-write rebuild (info), the source can.
NEEDS_SOURCE = {"AP1"}
SAMPLE_SOURCE = ["--source-path", os.path.join(ROOT, "samples"), "--trim-path", "proflens/samples"]
NEGATIVES = ["ap1-range-mutate-fixed", "ap2-lock-contention-fixed", "ap3-delete-keep-ref-fixed", "ap4-never-shrink-fixed",
             "dense-iterate", "alloc-churn", "map-requests", "lock-uncontended", "healthy"]


BLIND = os.environ.get('PROFLENS_BLIND_PROGRAMS', os.path.join(ROOT, 'samples/blind'))
# Where each batch was built (the file names its profiles carry): /work/blind/<batch>.
BLIND_BUILT_AT = "/work/blind/"


# proflens reads the source wherever the profile's file names lead (as pprof's -list does):
# from the current directory, and at absolute paths that exist. A judgment "without the source"
# must not find it by accident, so analyze runs in an empty directory, and a blind batch's
# absolute paths (where it was built) are trimmed to relative ones that lead nowhere there.
NO_SOURCE_DIR = tempfile.mkdtemp(prefix="proflens-no-source-")


def analyze(folder, kinds, extra=(), built_at=None):
    files = [os.path.abspath(os.path.join(folder, k + ".pb.gz")) for k in kinds if os.path.exists(os.path.join(folder, k + ".pb.gz"))]
    extra = list(extra)
    if built_at and "--source-path" not in extra:
        extra += ["--trim-path", built_at]
    out = subprocess.run([BINARY, "analyze", "--format", "json"] + extra + files, capture_output=True, check=True, cwd=NO_SOURCE_DIR)
    return json.loads(out.stdout)["findings"]


SWEEPS = os.environ.get('PROFLENS_SWEEPS', os.path.join(ROOT, 'samples/sweeps'))


def margin(finding):
    """The finding's strongest discriminating signal as measured / needed (None without one)."""
    ratios = [sig["measured"] / sig["needed"] for sig in finding.get("signals", [])
              if sig["role"] == "discriminates" and sig.get("measured") is not None and sig.get("needed")]
    return max(ratios) if ratios else None


def sample_verdicts(folder, run):
    """[(rule, kind set, 'TP'|'FN'|'FP'|'TN', margin)] of one sample run, judged as the samples
    table judges it (positives on the sets that carry their evidence, negatives on each profile
    and on all together)."""
    kinds = sorted(f[:-len(".pb.gz")] for f in os.listdir(folder) if f.endswith(".pb.gz"))
    base = run[:-len("-moderate")] if run.endswith("-moderate") else run
    out = []
    if not kinds:  # a run not made (yet)
        return out
    if base in POSITIVES:
        rule, culprits, sets = POSITIVES[base]
        for kind_set in sets:
            findings = analyze(folder, kind_set, SAMPLE_SOURCE if rule in NEEDS_SOURCE else ())
            hit = [f for f in findings if f["id"] == rule and LEVELS[f["level"]] >= 2 and (f["culprits"] or [""])[0] in culprits]
            mine = [f for f in findings if f["id"] == rule and (f["culprits"] or [""])[0] in culprits]
            ratios = [m for m in map(margin, mine) if m is not None]
            out.append((rule, "+".join(kind_set), "TP" if hit else "FN", max(ratios) if ratios else None))
            for other in findings:
                if other["id"] != rule and LEVELS[other["level"]] >= 2:
                    out.append((other["id"], "+".join(kind_set), "FP", margin(other)))
    elif run in NEGATIVES:
        for kind_set in [[k] for k in kinds] + [kinds]:
            findings = analyze(folder, kind_set)
            for rule in ["AP1", "AP2", "AP3", "AP4"]:
                mine = [f for f in findings if f["id"] == rule]
                loud = any(LEVELS[f["level"]] >= 2 for f in mine)
                ratios = [m for m in map(margin, mine) if m is not None]
                out.append((rule, "+".join(kind_set), "FP" if loud else "TN", max(ratios) if ratios else None))
    return out


def sweep_report():
    """Every rule's verdicts on the sample runs at each sweep point, with its margin at the
    worst point: for positives the smallest measured / needed of the discriminating signal,
    for negatives the largest (1.0 is where the verdict would flip)."""
    points = sorted(os.listdir(SWEEPS))
    table = {}  # (version, rule) -> {point: [tp, fn, fp, tn]}
    worst = {}  # (version, rule) -> {"pos": (ratio, where), "neg": (ratio, where)}
    for point in points:
        for version in sorted(os.listdir(os.path.join(SWEEPS, point))):
            for run in sorted(os.listdir(os.path.join(SWEEPS, point, version))):
                for rule, kinds, verdict, ratio in sample_verdicts(os.path.join(SWEEPS, point, version, run), run):
                    cell = table.setdefault((version, rule), {}).setdefault(point, [0, 0, 0, 0])
                    cell[["TP", "FN", "FP", "TN"].index(verdict)] += 1
                    w = worst.setdefault((version, rule), {})
                    where = "%s %s %s" % (point, run, kinds)
                    if verdict in ("TP", "FN") and ratio is not None and ("pos" not in w or ratio < w["pos"][0]):
                        w["pos"] = (ratio, where)
                    if verdict in ("FP", "TN") and ratio is not None and ("neg" not in w or ratio > w["neg"][0]):
                        w["neg"] = (ratio, where)
    print("\n## Sweeps\n")
    print("The sample runs re-made across the parameters that move thresholds (`bash samples/sweep.sh`:")
    print("GOMAXPROCS 1, 4 and 8 where the committed profiles have 2; two CPU-bound neighbour processes;")
    print("half and twice the run length; half and twice the working goroutines and the map and value sizes,")
    print("for the programs that read them), judged as the samples are. Each cell: TP/FN/FP/TN. The margins")
    print("are the discriminating signal's measured value over the value it needs, at the worst point:")
    print("the weakest positive (flips below 1.0) and the strongest negative (flips at 1.0).\n")
    print("| Go | rule | %s | positives' worst margin | negatives' worst margin |" % " | ".join(points))
    print("| --- | --- | %s | --- | --- |" % " | ".join("---" for _ in points))
    for (version, rule) in sorted(table):
        cells = ["%d/%d/%d/%d" % tuple(table[(version, rule)].get(p, [0, 0, 0, 0])) for p in points]
        w = worst.get((version, rule), {})
        pos = "%.2fx (%s)" % w["pos"] if "pos" in w else "-"
        neg = "%.2fx (%s)" % w["neg"] if "neg" in w else "-"
        print("| %s | %s | %s | %s | %s |" % (version, rule, " | ".join(cells), pos, neg))


def blind_batches():
    """The batches of blind programs (folders of samples/blind with a CONTRACT.md), in order."""
    if not os.path.isdir(BLIND):
        return []
    return [b for b in sorted(os.listdir(BLIND)) if os.path.exists(os.path.join(BLIND, b, "CONTRACT.md"))]


def blind_programs(batch):
    """(name, label) of every labelled blind program of a batch, sorted by name."""
    programs = []
    for name in sorted(os.listdir(os.path.join(BLIND, batch))):
        path = os.path.join(BLIND, batch, name, "label.json")
        if os.path.exists(path):
            with open(path) as f:
                programs.append((name, json.load(f)))
    return programs


def judge(label, findings):
    """(verdict, {rule: 'TP'|'FN'|'FP'|'TN'}) of one analysis of a labelled program."""
    pattern = label["pattern"]
    loud = [f for f in findings if LEVELS[f["level"]] >= 2]
    outcome = {}
    for rule in ["AP1", "AP2", "AP3", "AP4"]:
        if rule == pattern:
            culprit = label["culprit"]["function"]
            hit = any(f["id"] == rule and culprit in f["culprits"] for f in loud)
            outcome[rule] = "TP" if hit else "FN"
        else:
            outcome[rule] = "FP" if any(f["id"] == rule for f in loud) else "TN"
    words = [r + " " + v for r, v in sorted(outcome.items()) if v in ("TP", "FN", "FP")]
    return ", ".join(words) or "TN", outcome


def blind_report(batch, programs):
    versions = ["go1.19", "go1.27"]
    counts = {}  # (version, rule) -> dict of counters
    rows = []
    for version in versions:
        for rule in ["AP1", "AP2", "AP3", "AP4"]:
            counts[(version, rule)] = {"TP": 0, "FN": 0, "FP": 0, "TN": 0, "aloneTP": 0, "aloneFN": 0, "aloneFP": 0,
                                       "confirmed": 0, "unconfirmed": 0, "lookalikeConfirmed": 0,
                                       "sourceTP": 0, "sourceFN": 0, "sourceFP": 0}
        for name, label in programs:
            folder = os.path.join(BLIND, batch, name, version)
            if not os.path.isdir(folder):
                continue
            kinds = sorted(f[:-len(".pb.gz")] for f in os.listdir(folder) if f.endswith(".pb.gz"))
            findings = analyze(folder, kinds, built_at=BLIND_BUILT_AT + batch)
            verdict, outcome = judge(label, findings)
            for rule, v in outcome.items():
                counts[(version, rule)][v] += 1
            alone = []
            for file in label.get("alone") or []:
                kind = file[:-len(".pb.gz")]
                if kind not in kinds:
                    continue
                one_verdict, one = judge(label, analyze(folder, [kind], built_at=BLIND_BUILT_AT + batch))
                for rule, v in one.items():
                    if v in ("TP", "FN", "FP"):
                        counts[(version, rule)]["alone" + v] += 1
                alone.append("%s: %s" % (kind, one_verdict))
            sourced = analyze(folder, kinds, ["--source-path", os.path.join(BLIND, batch), "--trim-path", BLIND_BUILT_AT + batch])
            status = lambda f: (f.get("sourceEvidence") or {}).get("status", "-")
            source_verdict, with_source = judge(label, sourced)
            for rule, v in with_source.items():
                if v in ("TP", "FN", "FP"):
                    counts[(version, rule)]["source" + v] += 1
            if label["pattern"] != "none":
                mine = [f for f in sourced if f["id"] == label["pattern"] and label["culprit"]["function"] in f["culprits"]]
                confirmed = any(status(f) == "confirmed" for f in mine)
                counts[(version, label["pattern"])]["confirmed" if confirmed else "unconfirmed"] += 1
                source = "confirmed" if confirmed else ("/".join(sorted({status(f) for f in mine})) or "no finding")
            else:
                confirmed_ids = sorted({f["id"] for f in sourced if status(f) == "confirmed"})
                for rule in confirmed_ids:
                    counts[(version, rule)]["lookalikeConfirmed"] += 1
                source = ("confirmed " + ",".join(confirmed_ids)) if confirmed_ids else "none confirmed"
            shape = label["shape"] if label["pattern"] != "none" else "look-alike: " + label["shape"].replace("look-alike: ", "")
            rows.append((version, name, label["pattern"], shape, verdict, "; ".join(alone) or "-", source_verdict + "; " + source, short(findings)))
    print("\n## Blind programs, %s\n" % batch)
    print("Programs written for this check by writers who had not seen the rules or their thresholds, each")
    print("labelled before any rule ran on it (samples/blind/%s/README.md). Counted per program (all of a run's" % batch)
    print("profiles together), then per profile the label says can tell alone, then with the source.\n")
    print("| Go | rule | true positives | false negatives | false positives | true negatives | alone: TP / FN / FP | with the source: TP / FN / FP | source: positives confirmed | source: look-alikes confirmed |")
    print("| --- | --- | ---: | ---: | ---: | ---: | --- | --- | --- | ---: |")
    for (version, rule), c in sorted(counts.items()):
        positives = c["TP"] + c["FN"]
        print("| %s | %s | %d | %d | %d | %d | %d / %d / %d | %d / %d / %d | %d of %d | %d |" % (
            version, rule, c["TP"], c["FN"], c["FP"], c["TN"], c["aloneTP"], c["aloneFN"], c["aloneFP"],
            c["sourceTP"], c["sourceFN"], c["sourceFP"], c["confirmed"], positives, c["lookalikeConfirmed"]))
    print("\n### Every blind run, %s\n" % batch)
    print("| Go | program | label | shape | verdict (all profiles) | alone | with the source | findings |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for row in rows:
        print("| %s |" % " | ".join(str(x).replace("|", "\\|") for x in row))


def short(findings):
    return "; ".join("%s %s %.1f%% %s" % (f["id"], f["level"], f["share"] * 100, (f["culprits"] or ["-"])[0])
                     for f in findings) or "none"


def main():
    versions = sorted(v for v in os.listdir(PROFILES) if v.startswith("go"))
    counts = {}  # (version, rule) -> [tp, fn, fp, tn]
    rows = []
    for version in versions:
        for rule in ["AP1", "AP2", "AP3", "AP4"]:
            counts[(version, rule)] = [0, 0, 0, 0]
        for run in sorted(os.listdir(os.path.join(PROFILES, version))):
            folder = os.path.join(PROFILES, version, run)
            kinds = sorted(f[:-len(".pb.gz")] for f in os.listdir(folder) if f.endswith(".pb.gz"))
            base = run[:-len("-moderate")] if run.endswith("-moderate") else run
            if base in POSITIVES:
                rule, culprits, sets = POSITIVES[base]
                for kind_set in sets:
                    findings = analyze(folder, kind_set, SAMPLE_SOURCE if rule in NEEDS_SOURCE else ())
                    hit = [f for f in findings if f["id"] == rule and LEVELS[f["level"]] >= 2 and (f["culprits"] or [""])[0] in culprits]
                    counts[(version, rule)][0 if hit else 1] += 1
                    others = [f for f in findings if f["id"] != rule and LEVELS[f["level"]] >= 2]
                    for other in others:
                        counts[(version, other["id"])][2] += 1
                    verdict = ("TP" if hit else "FN") + ("".join(" FP(%s)" % o["id"] for o in others))
                    rows.append((version, run, "+".join(kind_set) + (", with the source" if rule in NEEDS_SOURCE else ""), verdict, short(findings)))
            elif run in NEGATIVES:
                for kind_set in [[k] for k in kinds] + [kinds, "source"]:
                    findings = analyze(folder, kinds, SAMPLE_SOURCE) if kind_set == "source" else analyze(folder, kind_set)
                    loud = [f for f in findings if LEVELS[f["level"]] >= 2]
                    for rule in ["AP1", "AP2", "AP3", "AP4"]:
                        counts[(version, rule)][2 if any(f["id"] == rule for f in loud) else 3] += 1
                    verdict = "FP(%s)" % ",".join(sorted({f["id"] for f in loud})) if loud else "TN"
                    shown = "all, with the source" if kind_set == "source" else ("+".join(kind_set) if len(kind_set) < len(kinds) or len(kinds) == 1 else "all")
                    rows.append((version, run, shown, verdict, short(findings)))
    print("# Findings on the sample programs\n")
    print("Written by `make findings-report` (scripts/findings-report.py) from the committed profiles in")
    print("samples/profiles. A positive counts when its pattern is found at warning or above with one of its")
    print("culprits; a negative when nothing reaches warning. Each rule is counted on every profile set of every")
    print("run (see the script's header for which sets carry each pattern's evidence).\n")
    print("| Go | rule | true positives | false negatives | false positives | true negatives |")
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    for (version, rule), (tp, fn, fp, tn) in sorted(counts.items()):
        print("| %s | %s | %d | %d | %d | %d |" % (version, rule, tp, fn, fp, tn))
    print("\n## Every run\n")
    print("| Go | run | profiles | verdict | findings |")
    print("| --- | --- | --- | --- | --- |")
    for row in rows:
        print("| %s | %s | %s | %s | %s |" % row)
    for batch in blind_batches():
        programs = blind_programs(batch)
        if programs:
            blind_report(batch, programs)
    if os.path.isdir(SWEEPS):
        sweep_report()


if __name__ == "__main__":
    main()
