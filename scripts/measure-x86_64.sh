#!/usr/bin/env bash
# Measurements of the x86_64 images, for the record (not tests):
#  - wall time from starting QEMU to the first domain's line (-kernel, pc),
#    five boots, the runner's own --time-to clock;
#  - image sizes: the ELF32 file QEMU loads, and text/data/bss;
#  - context switches per second of run time, from the demo's summary,
#    under each scheduler.
# Usage: scripts/measure-x86_64.sh [BUILD-DIR]   (default build-x86)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-x86}
[ -f "$build/build.ninja" ] ||
    meson setup "$build" --cross-file meson/cross/x86_64-elf.ini >/dev/null
ninja -C "$build" >/dev/null

run() { python3 tests/qemu/run_qemu.py --timeout 60 --status 1 "$@"; }
qemu=$(command -v qemu-system-x86_64)

echo "== time from QEMU start to the first domain line (-M pc -kernel)"
for image in x86_64-demo x86_64-minimal; do
    times=()
    for _ in 1 2 3 4 5; do
        t=$(run --time-to '\(d[0-9]+\) ' -- "$qemu" -M pc \
            -kernel "$build/images/$image.elf" -append run_ms=200 |
            sed -n 's/^time to first line matching .*: \([0-9]*\) ms$/\1/p')
        times+=("$t")
    done
    sorted=$(printf '%s\n' "${times[@]}" | sort -n | tr '\n' ' ')
    echo "$image: ms over 5 boots (sorted): $sorted"
done

echo "== image sizes"
for image in x86_64-minimal x86_64-demo x86_64-fault; do
    elf=$build/images/$image.elf
    printf '%-16s ELF32 file %7d bytes; ' "$image" "$(stat -c %s "$elf")"
    size "$build/images/$image.elf64" | awk 'NR==2 {printf "text %d data %d bss %d\n", $1, $2, $3}'
done

echo "== context switches per second (x86_64-demo, 3 s run)"
for sched in bvt rr sedf; do
    log=$(mktemp)
    run --log "$log" -- "$qemu" -M pc -kernel "$build/images/x86_64-demo.elf" \
        -append "sched=$sched run_ms=3000" >/dev/null
    awk -v s="$sched" '
        /summary after/ { for (i = 1; i <= NF; i++) if ($i == "after") ms = $(i + 1) }
        /decisions/ { for (i = 1; i <= NF; i++) if ($i == "switches") sw = $(i + 1) + 0 }
        END { printf "%-5s %d switches in %d ms: %.0f per second\n", s, sw, ms, sw * 1000 / ms }' "$log"
    grep -E '\(hv\) +[0-9]+ [a-z]' "$log" | sed 's/^.*(hv) /      /'
    rm -f "$log"
done
