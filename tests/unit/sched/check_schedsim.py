#!/usr/bin/env python3
"""hv-schedsim refuses bad workloads with "file:line: problem", exit 1.

Each tests/unit/sched/schedsim/*.wl starts with '# expect: TEXT'; the tool
must exit with status 1 and print FILE:TEXT (TEXT usually begins with the
line number) on stderr. Then seeded random garbage, and random mutations
of a valid file, must never crash it (exit status 0 or 1 only, no signal).
Usage: check_schedsim.py HV_SCHEDSIM DIR SCRATCH
"""
import os
import random
import subprocess
import sys


def run(tool, path):
    return subprocess.run([tool, path], capture_output=True, text=True,
                          errors="replace", timeout=60)


def main():
    tool, cases, scratch = sys.argv[1:4]
    os.makedirs(scratch, exist_ok=True)
    failures = 0
    names = sorted(f for f in os.listdir(cases) if f.endswith(".wl"))
    for name in names:
        path = os.path.join(cases, name)
        with open(path, "rb") as fh:
            first = fh.readline().decode()
        assert first.startswith("# expect: "), name
        want = first[len("# expect: "):].strip()
        if want[0].isdigit():
            want = f"{path}:{want}"
        proc = run(tool, path)
        if proc.returncode != 1 or want not in proc.stderr:
            failures += 1
            print(f"FAIL {name}: status {proc.returncode}, stderr:\n"
                  f"{proc.stderr}  wanted: {want}")
        else:
            print(f"ok   {name}: {proc.stderr.strip()}")

    rng = random.Random(20261121)
    valid = ("cpus 2\nduration 50ms\npolicy rr slice=1ms\npolicy bvt\n"
             "policy sedf\n"
             "entity a cpu=0 sedf.period=10ms sedf.slice=2ms bvt.advance=5\n"
             "entity b cpu=1 burst=1ms sleep=3ms sedf.period=5ms "
             "sedf.slice=1ms sedf.extra=on sedf.weight=2 bvt.warp=on "
             "bvt.warp_value=100 bvt.warpl=1ms bvt.warpu=2ms\n"
             "entity c cpu=1 period=4ms burst=1ms sedf.period=4ms "
             "sedf.slice=1ms\n")
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789=.# \n\t-_,msun"
    for i in range(300):
        if i % 3 == 0:
            data = bytes(rng.randrange(256) for _ in range(rng.randrange(400)))
        else:
            text = list(valid)
            for _ in range(rng.randrange(1, 6)):
                pos = rng.randrange(len(text))
                op = rng.randrange(3)
                if op == 0:
                    del text[pos]
                elif op == 1:
                    text.insert(pos, rng.choice(alphabet))
                else:
                    text[pos] = rng.choice(alphabet)
            data = "".join(text).encode()
        path = os.path.join(scratch, f"random-{i}.wl")
        with open(path, "wb") as fh:
            fh.write(data)
        proc = run(tool, path)
        if proc.returncode not in (0, 1):
            failures += 1
            print(f"FAIL {path}: status {proc.returncode}\n{proc.stderr}")
        elif proc.returncode == 1 and not proc.stderr.startswith(path):
            failures += 1
            print(f"FAIL {path}: error does not name the file:\n{proc.stderr}")
    print(f"{len(names)} bad workloads, 300 random ones, {failures} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
