"""The benchmark's runner.

    make bench                    # SCALE=department: one department of 100,000 files
    make bench SCALE=national     # both scales in the same run, and the ratio between them
    BENCH_DEPARTMENTS=30 make bench SCALE=national   # a reduced national data set

Each scale has its own database (``passerelle_bench_<scale>``, created, migrated and filled by
``bench.databases`` — generated once, reused by later runs), measured by ``bench.measure`` in
a process of its own. Prints every figure; at national scale also the national / department
ratio of each page (target ≤ 1.5×). Writes ``bench/last-run.json``.
"""

import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

from bench import databases

ROOT = Path(__file__).resolve().parent.parent
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
PAGE_TARGET = 1.5
FLOOR_TARGET = 2.0


def measure(scale):
    print(f"measuring {scale} scale…", flush=True)
    env = databases.environment(scale, REDIS_URL=REDIS)
    done = subprocess.run(
        [sys.executable, "-m", "bench.measure"],
        env=env, cwd=ROOT, check=True, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    return json.loads(done.stdout.strip().splitlines()[-1])


def machine():
    cpus = os.cpu_count()
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        total = int(meminfo.read_text().split()[1]) / 1024 / 1024
        memory = f", {total:.0f} GiB"
    return f"{platform.node()}: {platform.processor() or platform.machine()}, {cpus} CPU{memory}"


def report(results):
    scales = list(results)
    print()
    print(f"Passerelle bench — {time.strftime('%Y-%m-%d %H:%M')} — {machine()}")
    for scale in scales:
        print(f"  {scale}: {results[scale]['counts']}")
    print()
    header = f"{'page / API list':<42}"
    for scale in scales:
        header += f" | {scale + ' median/p95 ms':>24} {'SQL':>4}"
    if len(scales) == 2:
        header += " | ratio"
    print(header)
    print("-" * len(header))
    for label in results[scales[0]]["pages"]:
        line = f"{label:<42}"
        medians = []
        for scale in scales:
            row = results[scale]["pages"].get(label, {})
            if "error" in row:
                line += f" | {'ERROR ' + row['error'][:17]:>24} {'':>4}"
                continue
            medians.append(row["median_ms"])
            line += f" | {row['median_ms']:>11.1f} / {row['p95_ms']:>10.1f} {row['queries']:>4}"
        if len(medians) == 2:
            ratio = medians[1] / medians[0]
            flag = "" if ratio <= PAGE_TARGET else "  (> 1.5×)"
            line += f" | {ratio:4.2f}×{flag}"
        print(line)
    print()
    for scale in scales:
        figures = results[scale]["statistics"]
        flag = "" if figures["ratio_to_floor"] <= FLOOR_TARGET else "  (> 2×)"
        print(
            f"statistics, one department-year ({scale}): compute {figures['compute']['median_ms']} ms"
            f" ({figures['compute']['queries']} queries), SQL floor {figures['floor']['median_ms']} ms"
            f" → {figures['ratio_to_floor']}× the floor{flag}; same figures: {figures['same_figures']}"
        )
    if len(scales) == 2:
        a, b = (results[s]["statistics"]["compute"]["median_ms"] for s in scales)
        print(f"statistics national / department: {b / a:.2f}×")
    for scale in scales:
        imported = results[scale]["import"]
        print(f"CSV import ({scale}): {imported['rows']} rows in {imported['seconds']} s → "
              f"{imported['rows_per_s']} rows/s ({imported['status']})")  # fmt: skip
        bilan = results[scale].get("bilan")
        if bilan:
            print(f"bilan through a real worker ({scale}): {bilan}")


def main():
    scale = (sys.argv[1] if len(sys.argv) > 1 else os.environ.get("SCALE")) or "department"
    if scale not in ("department", "national"):
        sys.exit("SCALE must be department or national")
    scales = ["department"] if scale == "department" else ["department", "national"]
    departments = int(os.environ.get("BENCH_DEPARTMENTS", "0")) or None
    for name in scales:
        databases.prepare(name, departments=departments if name == "national" else None)
    results = {name: measure(name) for name in scales}
    report(results)
    out = ROOT / "bench" / "last-run.json"
    out.write_text(json.dumps({"machine": machine(), "date": time.strftime("%Y-%m-%d %H:%M"),
                               "results": results}, indent=1))  # fmt: skip
    print(f"\n(figures in {out.relative_to(ROOT)})")
