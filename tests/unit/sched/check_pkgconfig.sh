#!/usr/bin/env bash
# A program outside the tree links one scheduler policy through pkg-config:
# install libhv into a scratch prefix, build examples/sched/embed_bvt.c with
# `pkg-config --cflags --libs hv-sched-bvt` and nothing else, run it.
# Usage: check_pkgconfig.sh SRCDIR BUILDDIR SCRATCH CC
set -euo pipefail
src=$1
build=$2
scratch=$3
cc=$4

rm -rf "$scratch"
mkdir -p "$scratch"
meson install -C "$build" --no-rebuild --destdir "$scratch/root" --quiet
pcdir=$(dirname "$(find "$scratch/root" -name hv-sched-bvt.pc | head -n 1)")
[ -f "$pcdir/hv-sched-bvt.pc" ] || { echo "FAIL: no hv-sched-bvt.pc"; exit 1; }
prefix=$(PKG_CONFIG_PATH=$pcdir pkg-config --variable=prefix hv-sched-bvt)
pc() {
    PKG_CONFIG_PATH=$pcdir pkg-config --define-variable=prefix="$scratch/root$prefix" "$@"
}
for p in rr bvt sedf; do
    echo "pkg-config hv-sched-$p: $(pc --cflags --libs hv-sched-$p)"
done
# shellcheck disable=SC2046
$cc -std=c11 -Wall -Wextra -Werror -o "$scratch/embed-bvt" \
    "$src/examples/sched/embed_bvt.c" $(pc --cflags --libs hv-sched-bvt)
"$scratch/embed-bvt"
