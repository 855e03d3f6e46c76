#!/usr/bin/env python3
"""Boot an image in QEMU and check what it prints on its serial line.

run_qemu.py [--timeout S] [--status N] [--expect REGEX]... [--forbid REGEX]...
            [--log FILE] -- QEMU [QEMU ARGS...]

Adds the options every test run needs (no display, serial on stdio, no
monitor, no reboot, isa-debug-exit at 0xf4, 256 MiB) and runs QEMU with a
hard timeout: a hung guest is killed, never waited for. Passes when QEMU
exits with status N (isa-debug-exit gives (v << 1) | 1 for a write of v),
every --expect regex matches a line, in the order given (each after the
line matched by the one before), and no --forbid regex matches any line.
On failure it says why and prints the whole serial log.
"""
import argparse
import re
import subprocess
import sys
import time

COMMON = ["-display", "none", "-serial", "stdio", "-monitor", "none",
          "-no-reboot", "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
          "-m", "256"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--timeout", type=float, default=50)
    ap.add_argument("--status", type=int, default=1)
    ap.add_argument("--expect", action="append", default=[])
    ap.add_argument("--forbid", action="append", default=[])
    ap.add_argument("--log")
    ap.add_argument("qemu", nargs=argparse.REMAINDER)
    args = ap.parse_args()
    cmd = [a for a in args.qemu if a != "--"]
    if not cmd:
        ap.error("no QEMU command")
    cmd = cmd[:1] + COMMON + cmd[1:]

    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    timed_out = False
    try:
        out, _ = proc.communicate(timeout=args.timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
        timed_out = True
    elapsed = time.monotonic() - start
    log = out.decode("utf-8", "replace").replace("\r", "")
    if args.log:
        with open(args.log, "w", encoding="utf-8") as f:
            f.write(log)
    lines = log.split("\n")

    errors = []
    if timed_out:
        errors.append(f"QEMU killed after the {args.timeout:g} s timeout")
    elif proc.returncode != args.status:
        errors.append(f"exit status {proc.returncode}, expected {args.status}")
    pos = 0
    for pat in args.expect:
        rx = re.compile(pat)
        for i in range(pos, len(lines)):
            if rx.search(lines[i]):
                pos = i + 1
                break
        else:
            errors.append(f"no line matching {pat!r} (after line {pos})")
    for pat in args.forbid:
        rx = re.compile(pat)
        for line in lines:
            if rx.search(line):
                errors.append(f"forbidden line {line!r} matches {pat!r}")
    print("command: " + " ".join(cmd))
    print(f"QEMU ran {elapsed:.2f} s, status {proc.returncode}")
    if errors:
        for e in errors:
            print("FAIL: " + e)
        print("---- serial log ----")
        print(log)
        return 1
    print(f"ok: {len(args.expect)} expected lines in order")
    return 0


if __name__ == "__main__":
    sys.exit(main())
