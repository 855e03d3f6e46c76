#!/usr/bin/env python3
"""Boot an image in QEMU and check what it prints on its serial line.

run_qemu.py [--timeout S] [--status N] [--expect REGEX]... [--contains REGEX]... [--forbid REGEX]...
            [--memory MIB] [--no-debug-exit] [--time-to REGEX] [--log FILE]
            [--input TEXT [--input-after REGEX]] [--arch x86_64|aarch64]
            [--last REGEX] -- QEMU [QEMU ARGS...]

Adds the options every test run needs (no display, serial on stdio, no
monitor, no reboot, isa-debug-exit at 0xf4 unless --no-debug-exit, 256 MiB
or --memory) and runs QEMU with a hard timeout: a hung guest is killed,
never waited for. --time-to prints the wall time from starting QEMU to the
first serial line matching REGEX (a measurement, never a pass criterion).
--input types TEXT (with \\n for a newline) on the serial line, once a
line matching --input-after has appeared (at once without it). Passes when QEMU
exits with status N (isa-debug-exit gives (v << 1) | 1 for a write of v),
every --expect regex matches a line, in the order given (each after the
line matched by the one before), every --contains regex matches some line
(anywhere: for lines whose order depends on timing), and no --forbid regex
matches any line.
--arch aarch64 leaves out the x86-only isa-debug-exit device (as
--no-debug-exit does): an AArch64 image powers off through PSCI SYSTEM_OFF,
after which QEMU exits with 0 whatever the image's status, so such tests
pass --status 0 and check the image's status line with --last, which must
match the last non-empty serial line.
On failure it says why and prints the whole serial log.
"""
import argparse
import re
import subprocess
import sys
import threading
import time

COMMON = ["-display", "none", "-serial", "stdio", "-monitor", "none",
          "-no-reboot"]
DEBUG_EXIT = ["-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]


def reader(stream, chunks, feed):
    """Collect QEMU's output as (arrival time, bytes) pairs; feed() is
    called with the output so far after each chunk."""
    while True:
        data = stream.read1(65536)
        if not data:
            return
        chunks.append((time.monotonic(), data))
        feed(b"".join(c for _, c in chunks))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--timeout", type=float, default=50)
    ap.add_argument("--status", type=int, default=1)
    ap.add_argument("--expect", action="append", default=[])
    ap.add_argument("--forbid", action="append", default=[])
    ap.add_argument("--contains", action="append", default=[])
    ap.add_argument("--memory", type=int, default=256)
    ap.add_argument("--no-debug-exit", action="store_true")
    ap.add_argument("--time-to")
    ap.add_argument("--input")
    ap.add_argument("--input-after")
    ap.add_argument("--log")
    ap.add_argument("--arch", choices=["x86_64", "aarch64"],
                    default="x86_64")
    ap.add_argument("--last")
    ap.add_argument("qemu", nargs=argparse.REMAINDER)
    args = ap.parse_args()
    cmd = [a for a in args.qemu if a != "--"]
    if not cmd:
        ap.error("no QEMU command")
    extra = ["-m", str(args.memory)]
    if not args.no_debug_exit and args.arch == "x86_64":
        extra += DEBUG_EXIT
    cmd = cmd[:1] + COMMON + extra + cmd[1:]

    start = time.monotonic()
    proc = subprocess.Popen(
        cmd, stdin=subprocess.PIPE if args.input else subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    chunks = []
    pending = [args.input.replace("\\n", "\n").encode()] if args.input else []
    trigger = re.compile(args.input_after) if args.input_after else None

    def feed(out):
        if not pending:
            return
        if trigger:
            text = out.decode("utf-8", "replace").replace("\r", "")
            if not any(trigger.search(l) for l in text.split("\n")[:-1]):
                return
        try:
            proc.stdin.write(pending.pop())
            proc.stdin.flush()
        except OSError:
            pass

    feed(b"")
    thread = threading.Thread(target=reader,
                              args=(proc.stdout, chunks, feed))
    thread.start()
    timed_out = False
    try:
        proc.wait(timeout=args.timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        timed_out = True
    thread.join()
    elapsed = time.monotonic() - start
    out = b"".join(c for _, c in chunks)
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
    if args.last:
        tail = [l for l in lines if l.strip()]
        if not tail or not re.search(args.last, tail[-1]):
            errors.append(f"last line {tail[-1] if tail else ''!r} does not "
                          f"match {args.last!r}")
    for pat in args.contains:
        rx = re.compile(pat)
        if not any(rx.search(line) for line in lines):
            errors.append(f"no line anywhere matching {pat!r}")
    for pat in args.forbid:
        rx = re.compile(pat)
        for line in lines:
            if rx.search(line):
                errors.append(f"forbidden line {line!r} matches {pat!r}")
    print("command: " + " ".join(cmd))
    print(f"QEMU ran {elapsed:.2f} s, status {proc.returncode}")
    if args.time_to:
        rx = re.compile(args.time_to)
        seen = b""
        for when, data in chunks:
            seen += data
            text = seen.decode("utf-8", "replace").replace("\r", "")
            if any(rx.search(l) for l in text.split("\n")[:-1]):
                print(f"time to first line matching {args.time_to!r}: "
                      f"{(when - start) * 1000:.0f} ms")
                break
        else:
            print(f"no complete line matching {args.time_to!r}")
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
