#!/usr/bin/env python3
"""Link one bare-metal static library into a relocatable object and list
what stays undefined.

The library is linked whole (--whole-archive), its dependencies only as far
as they are needed, with no C library and no libgcc (-nostdlib). Any
undefined symbol not named in the hooks file is a failure: it would be a
link error, or a silent libc/libgcc dependency, in a hypervisor image.

Usage: check_link.py --cc=CC --nm=NM --hooks FILE LIB.a [DEP.a...]
"""
import os
import shlex
import subprocess
import sys
import tempfile


def main(argv):
    cc = nm = hooks_file = None
    archives = []
    it = iter(argv)
    for arg in it:
        if arg.startswith("--cc="):
            cc = shlex.split(arg[5:])
        elif arg.startswith("--nm="):
            nm = arg[5:]
        elif arg == "--hooks":
            hooks_file = next(it)
        else:
            archives.append(arg)
    if not cc or not nm or not hooks_file or not archives:
        raise SystemExit(__doc__)

    with open(hooks_file, encoding="utf-8") as fh:
        hooks = {line.strip() for line in fh
                 if line.strip() and not line.startswith("#")}

    lib, deps = archives[0], archives[1:]
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "linked.o")
        cmd = (cc + ["-nostdlib", "-no-pie", "-r", "-o", out,
                     "-Wl,--whole-archive", lib, "-Wl,--no-whole-archive"]
               + deps)
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            print(" ".join(cmd))
            print(proc.stdout + proc.stderr)
            return 1
        syms = subprocess.run([nm, "-u", out], capture_output=True,
                              text=True, check=True).stdout.split()
        defined = subprocess.run([nm, "--defined-only", out],
                                 capture_output=True, text=True,
                                 check=True).stdout.splitlines()

    # nm -u prints "U name" or "w name"; keep the names.
    undefined = sorted({s for s in syms if s not in ("U", "w", "v")})
    bad = [s for s in undefined if s not in hooks]
    name = os.path.basename(lib)
    print(f"{name}: {len(defined)} defined symbols, "
          f"{len(undefined)} undefined: {' '.join(undefined) or '-'}")
    for s in bad:
        print(f"FAIL {name}: undefined '{s}' is not a documented hook")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
