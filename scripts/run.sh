#!/usr/bin/env bash
# The main job: install what is missing, build everything, and run it.
# Until a hypervisor image exists this builds every library for the host
# and both bare-metal targets and runs the example programs; once the
# default image lands it boots it in QEMU.
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
    echo "run: bare-metal $arch libraries built in $dir"
done

echo "run: examples"
meson test -C build --suite examples --verbose --num-processes 1
echo "run: done"
