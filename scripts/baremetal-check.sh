#!/usr/bin/env bash
# Configure and build one bare-metal cross build, then run its link tests.
# Usage: baremetal-check.sh SRCDIR BUILDDIR CROSSFILE
# Called by the host build's 'baremetal-*' tests; usable by hand too.
set -euo pipefail
src=$1
build=$2
cross=$3

if [ ! -f "$build/build.ninja" ]; then
    meson setup "$build" "$src" --cross-file "$cross" >"$build.setup.log" 2>&1 || {
        cat "$build.setup.log"
        exit 1
    }
fi
# `meson test` rebuilds what changed first.
meson test -C "$build" --suite baremetal --print-errorlogs
grep -h "defined symbols" "$build/meson-logs/testlog.txt"
