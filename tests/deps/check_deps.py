#!/usr/bin/env python3
"""Check libhv's layering: which library may include which headers.

Arguments: --cc=CC --root=SRC and one LAYER=DEP,DEP... per library
directory (e.g. 'libhv-sched=libhv'). A layer may include headers from its
own include/ and from its dependencies' include/ directories, nothing else.

Two checks:
 1. Every '#include <hv/...>' in a layer's files resolves inside an allowed
    include directory.
 2. For every forbidden pair (layer, other), compiling '#include' of one of
    other's headers with layer's include path fails: the build itself
    refuses the violation, not just this script.
"""
import os
import re
import shlex
import subprocess
import sys

INCLUDE_RE = re.compile(r'^\s*#\s*include\s*<(hv/[^>]+)>', re.M)


def headers_of(root, layer):
    base = os.path.join(root, layer, "include")
    found = {}
    for dirpath, _, files in os.walk(base):
        for f in files:
            if f.endswith(".h"):
                full = os.path.join(dirpath, f)
                found[os.path.relpath(full, base)] = full
    return found


def sources_of(root, layer, layers):
    """Files of `layer`, not descending into directories of other layers."""
    top = os.path.join(root, layer)
    nested = {os.path.join(root, other) for other in layers if other != layer}
    for dirpath, dirnames, files in os.walk(top):
        dirnames[:] = [d for d in dirnames
                       if os.path.join(dirpath, d) not in nested]
        for f in files:
            if f.endswith((".c", ".h", ".S")):
                yield os.path.join(dirpath, f)


def main(argv):
    cc, root, layers = None, None, {}
    for arg in argv:
        if arg.startswith("--cc="):
            cc = shlex.split(arg[5:])
        elif arg.startswith("--root="):
            root = arg[7:]
        else:
            name, _, deps = arg.partition("=")
            layers[name] = [d for d in deps.split(",") if d]
    if not cc or not root or not layers:
        raise SystemExit("usage: check_deps.py --cc=CC --root=SRC LAYER=DEPS...")

    # Layers whose directory does not exist yet (a port not written) are
    # skipped; they provide nothing and hold no files.
    layers = {n: d for n, d in layers.items()
              if os.path.isdir(os.path.join(root, n))}
    provided = {name: headers_of(root, name) for name in layers}
    errors = 0

    for name, deps in sorted(layers.items()):
        allowed = [name] + [d for d in deps if d in layers]
        for path in sources_of(root, name, layers):
            with open(path, encoding="utf-8") as fh:
                text = fh.read()
            for inc in INCLUDE_RE.findall(text):
                owner = [l for l in layers if inc in provided[l]]
                if not owner:
                    errors += 1
                    print(f"FAIL {path}: <{inc}> is no library's header")
                elif not any(o in allowed for o in owner):
                    errors += 1
                    print(f"FAIL {path}: <{inc}> belongs to {owner[0]}, "
                          f"which {name} may not use")

    probes = 0
    for name, deps in sorted(layers.items()):
        allowed = [name] + [d for d in deps if d in layers]
        incs = ["-I" + os.path.join(root, l, "include") for l in allowed]
        for other in sorted(layers):
            if other in allowed or not provided[other]:
                continue
            header = sorted(provided[other])[0]
            proc = subprocess.run(
                cc + ["-fsyntax-only", "-x", "c"] + incs + ["-"],
                input=f"#include <{header}>\n", text=True,
                capture_output=True)
            probes += 1
            if proc.returncode == 0:
                errors += 1
                print(f"FAIL {name} can include <{header}> of {other}")
            else:
                print(f"ok   {name} cannot include <{header}> of {other}")

    print(f"{len(layers)} layers, {probes} forbidden-include probes, "
          f"{errors} violations")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
