#!/usr/bin/env bash
# The main job: install what is missing, build everything (host and both
# bare-metal targets), then boot the default image, images/x86_64-demo, in
# QEMU with its serial line on this terminal. It runs its domains for three
# seconds, prints its summary table and powers off.
# Extra arguments go to the hypervisor's command line, e.g.
#   bash scripts/run.sh sched=sedf run_ms=5000
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/deps.sh

[ -f build/build.ninja ] || meson setup build >/dev/null
ninja -C build

for arch in x86_64 aarch64; do
    dir=build/cross-$arch
    [ -f "$dir/build.ninja" ] ||
        meson setup "$dir" --cross-file "meson/cross/$arch-elf.ini" >/dev/null
    ninja -C "$dir"
    echo "run: bare-metal $arch build in $dir"
done

echo "run: booting images/x86_64-demo in QEMU (Ctrl-A X quits)"
status=0
bash scripts/run-image.sh build/cross-x86_64/images/x86_64-demo.elf "$*" ||
    status=$?
echo "run: done (hypervisor exit status $status)"
exit $status
