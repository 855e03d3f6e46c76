#!/usr/bin/env python3
"""Compile each public header alone as C11 and as C++11.

A header that needs another header it does not include, relies on a C-only
construct in C++ or lacks an include guard fails here. Usage:
  check_headers.py --cc=CC --cxx=CXX -Idir... header...
"""
import shlex
import subprocess
import sys


def include_name(path):
    """'.../libhv-sched/include/hv/sched.h' -> 'hv/sched.h'."""
    marker = "/include/"
    at = path.rfind(marker)
    if at < 0:
        raise SystemExit(f"{path}: not under an include/ directory")
    return path[at + len(marker):]


def main(argv):
    cc = cxx = None
    incs, headers = [], []
    for arg in argv:
        if arg.startswith("--cc="):
            cc = shlex.split(arg[5:])
        elif arg.startswith("--cxx="):
            cxx = shlex.split(arg[6:])
        elif arg.startswith("-I"):
            incs.append(arg)
        else:
            headers.append(arg)
    if not cc or not cxx or not headers:
        raise SystemExit("usage: check_headers.py --cc=CC --cxx=CXX -I... headers")

    flavours = [
        ("C11", cc + ["-std=c11", "-x", "c"]),
        ("C++11", cxx + ["-std=c++11", "-x", "c++"]),
    ]
    warn = ["-Wall", "-Wextra", "-Werror", "-fsyntax-only"]
    failures = 0
    for header in sorted(set(headers)):
        name = include_name(header)
        # Included twice: the second inclusion must be a no-op.
        source = f"#include <{name}>\n#include <{name}>\n"
        for label, cmd in flavours:
            proc = subprocess.run(cmd + warn + incs + ["-"], input=source,
                                  text=True, capture_output=True)
            if proc.returncode != 0:
                failures += 1
                print(f"FAIL {name} as {label}:\n{proc.stderr}")
            else:
                print(f"ok   {name} as {label}")
    print(f"{len(set(headers))} headers, {failures} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
