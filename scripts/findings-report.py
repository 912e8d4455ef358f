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
Usage: python3 scripts/findings-report.py [PROFLENS_BINARY]
"""
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, ".build/debug/proflens")
PROFILES = os.environ.get('PROFLENS_SAMPLE_PROFILES', os.path.join(ROOT, 'samples/profiles'))
LEVELS = {"info": 1, "warning": 2, "critical": 3}

POSITIVES = {
    "ap1-range-mutate": ("AP1", ["main.(*SessionCache).Expire"], [["cpu"], ["cpu", "heap"]]),
    "ap2-lock-contention": ("AP2", ["main.(*RequestTracker).Start", "main.(*RequestTracker).Poll",
                                    "main.(*RequestTracker).Finish", "main.(*MetricsRegistry).Observe"],
                            [["cpu", "mutex"], ["cpu", "block"], ["cpu", "mutex", "block", "goroutine", "heap"]]),
    "ap3-delete-keep-ref": ("AP3", ["main.(*Upload).AddPart", "main.(*UploadTracker).Begin", "main.readBody", "main.receiveUpload"],
                            [["heap-early", "heap"], ["cpu", "heap-early", "heap"]]),
    "ap4-never-shrink": ("AP4", ["main.(*Registry).Broadcast", "main.(*Registry).Prune"], [["cpu"], ["cpu", "heap"]]),
}
NEGATIVES = ["ap1-range-mutate-fixed", "ap2-lock-contention-fixed", "ap3-delete-keep-ref-fixed", "ap4-never-shrink-fixed",
             "dense-iterate", "alloc-churn", "map-requests", "lock-uncontended", "healthy"]


def analyze(folder, kinds):
    files = [os.path.join(folder, k + ".pb.gz") for k in kinds if os.path.exists(os.path.join(folder, k + ".pb.gz"))]
    out = subprocess.run([BINARY, "analyze", "--format", "json"] + files, capture_output=True, check=True)
    return json.loads(out.stdout)["findings"]


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
                    findings = analyze(folder, kind_set)
                    hit = [f for f in findings if f["id"] == rule and LEVELS[f["level"]] >= 2 and (f["culprits"] or [""])[0] in culprits]
                    counts[(version, rule)][0 if hit else 1] += 1
                    others = [f for f in findings if f["id"] != rule and LEVELS[f["level"]] >= 2]
                    for other in others:
                        counts[(version, other["id"])][2] += 1
                    verdict = ("TP" if hit else "FN") + ("".join(" FP(%s)" % o["id"] for o in others))
                    rows.append((version, run, "+".join(kind_set), verdict, short(findings)))
            elif run in NEGATIVES:
                for kind_set in [[k] for k in kinds] + [kinds]:
                    findings = analyze(folder, kind_set)
                    loud = [f for f in findings if LEVELS[f["level"]] >= 2]
                    for rule in ["AP1", "AP2", "AP3", "AP4"]:
                        counts[(version, rule)][2 if any(f["id"] == rule for f in loud) else 3] += 1
                    verdict = "FP(%s)" % ",".join(sorted({f["id"] for f in loud})) if loud else "TN"
                    rows.append((version, run, "+".join(kind_set) if len(kind_set) < len(kinds) or len(kinds) == 1 else "all", verdict, short(findings)))
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


if __name__ == "__main__":
    main()
