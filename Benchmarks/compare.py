#!/usr/bin/env python3
"""Compares two builds from the samples `asgi-bench` writes with BENCH_SAMPLES (app, workload,
client, round, µs per request, tab-separated). Run each build's benchmark by turns, several times,
then:

    Benchmarks/compare.py 'before-*.tsv' 'after-*.tsv'

For every row it prints our µs per request and the ratios ours/AATC and ours/raw, before and after.
A run's ratio is the median over its rounds of that round's ratio (both batches ran within a second
or so, so the machine's drift cancels out); the table shows the median over the runs. Standard
library only."""
import collections
import glob
import statistics
import sys

WORKLOADS = {
    "get": "GET / ×2000",
    "json": "GET /json ×2000 (decoded)",
    "post": "POST /echo 1 KiB ×2000",
    "stream": "GET /stream 100×1 KiB ×200",
    "concurrent": "GET / ×2000, 64 in flight",
    "websocket": "websocket echo ×1000, one socket",
    "big": "GET /big 100 MiB ×5 (buffered)",
}
APPS = ["bare", "starlette", "fastapi", "quart"]


def load(path):
    """{(app, workload): {client: {round: µs}}}"""
    samples = collections.defaultdict(lambda: collections.defaultdict(dict))
    with open(path, encoding="utf-8") as file:
        for line in file:
            app, workload, client, round_, micros = line.rstrip("\n").split("\t")
            samples[(app, workload)][client][int(round_)] = float(micros)
    return samples


def run_figures(samples, key):
    """(our median µs, median ours/AATC, median ours/raw) of one run; None where missing."""
    row = samples.get(key)
    if not row or "ours" not in row:
        return None
    ours = row["ours"]

    def ratio(peer):
        values = [ours[r] / row[peer][r] for r in ours if r in row.get(peer, {}) and row[peer][r] > 0]
        values = [v for v in values if v == v]
        return statistics.median(values) if values else float("nan")

    return statistics.median(ours.values()), ratio("aatc"), ratio("raw")


def median_of(runs, index):
    values = [run[index] for run in runs if run is not None and run[index] == run[index]]
    return statistics.median(values) if values else float("nan")


def main(before_pattern, after_pattern):
    before = [load(path) for path in sorted(glob.glob(before_pattern))]
    after = [load(path) for path in sorted(glob.glob(after_pattern))]
    if not before or not after:
        sys.exit(f"compare.py: no samples match {before_pattern!r} and {after_pattern!r}")
    print(f"runs: before {len(before)}, after {len(after)}; each figure is the median over the runs")
    print("| app | workload | ours µs before | after | ours/AATC before | after | change | ours/raw before | after | change |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for app in APPS:
        for workload, label in WORKLOADS.items():
            b = [run_figures(run, (app, workload)) for run in before]
            a = [run_figures(run, (app, workload)) for run in after]
            if all(x is None for x in b) or all(x is None for x in a):
                continue
            cells = [f"{median_of(b, 0):.1f}", f"{median_of(a, 0):.1f}"]
            for index in (1, 2):
                old, new = median_of(b, index), median_of(a, index)
                cells += [f"{old:.2f}", f"{new:.2f}", f"{new / old - 1:+.0%}" if old == old and new == new else "—"]
            print(f"| {app} | {label} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
