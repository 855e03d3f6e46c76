#!/usr/bin/env python3
"""Run hv-schedsim on the sample workloads and check what they show.

 - bvt-warp.wl: under bvt, ui_warp's p99 wake-to-run latency is 0 and
   below ui_plain's;
 - sedf-95.wl: under sedf, no job misses and no sEDF deadline misses for
   any entity, at 95% reserved load;
 - two-cpus.wl: on cpu0 the shares follow the BVT weights (2:1, within 1%);
 - every run writes a CSV with one row per entity and policy, and an SVG
   holding one bar at least.
Usage: check_samples.py HV_SCHEDSIM SAMPLES_DIR SCRATCH
"""
import csv
import os
import xml.dom.minidom
import subprocess
import sys


def simulate(tool, sample, scratch):
    base = os.path.join(scratch, os.path.splitext(os.path.basename(sample))[0])
    proc = subprocess.run([tool, "--csv", base + ".csv", "--svg",
                           base + ".svg", sample],
                          capture_output=True, text=True, timeout=120)
    print(proc.stdout, end="")
    if proc.returncode != 0:
        raise SystemExit(f"FAIL {sample}: status {proc.returncode}\n"
                         f"{proc.stderr}")
    with open(base + ".svg") as fh:
        svg = fh.read()
    xml.dom.minidom.parseString(svg)  # well-formed, or an exception
    if not svg.startswith("<svg") or "<rect" not in svg:
        raise SystemExit(f"FAIL {sample}: no Gantt bars in {base}.svg")
    with open(base + ".csv") as fh:
        rows = list(csv.DictReader(fh))
    return {(r["policy"], r["entity"]): r for r in rows}


def main():
    tool, samples, scratch = sys.argv[1:4]
    os.makedirs(scratch, exist_ok=True)
    failures = []

    r = simulate(tool, os.path.join(samples, "bvt-warp.wl"), scratch)
    warp = int(r[("bvt", "ui_warp")]["latency_p99_ns"])
    plain = int(r[("bvt", "ui_plain")]["latency_p99_ns"])
    if not (warp == 0 and plain > warp):
        failures.append(f"bvt-warp: p99 warp {warp} ns, plain {plain} ns")
    if len(r) != 8:
        failures.append(f"bvt-warp: {len(r)} CSV rows, expected 8")

    r = simulate(tool, os.path.join(samples, "sedf-95.wl"), scratch)
    for (pol, ent), row in r.items():
        if pol == "sedf" and (row["job_misses"] != "0" or
                              row["sedf_missed"] != "0"):
            failures.append(f"sedf-95: {ent} missed: {row}")
    if r[("sedf", "audio")]["jobs"] != "400":
        failures.append("sedf-95: audio should complete 400 jobs in 2 s")

    r = simulate(tool, os.path.join(samples, "two-cpus.wl"), scratch)
    heavy = int(r[("bvt", "heavy")]["cpu_ns"])
    light = int(r[("bvt", "light")]["cpu_ns"])
    if not 1.98 < heavy / light < 2.02:
        failures.append(f"two-cpus: heavy/light = {heavy / light:.3f}")

    for f in failures:
        print("FAIL", f)
    print("samples:", "OK" if not failures else f"{len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
