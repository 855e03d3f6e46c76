#!/usr/bin/env bash
# Install libhv into a scratch prefix and build examples/consumer against it,
# first with pkg-config, then with the source tree as a Meson subproject.
# Usage: check_install.sh SRCDIR BUILDDIR SCRATCH CC
set -euo pipefail
src=$1
build=$2
scratch=$3
cc=$4

rm -rf "$scratch"
mkdir -p "$scratch"
meson install -C "$build" --no-rebuild --destdir "$scratch/root" --quiet

pcdir=$(dirname "$(find "$scratch/root" -name hv-base.pc | head -n 1)")
[ -d "$pcdir" ] || { echo "FAIL: no hv-base.pc installed"; exit 1; }
prefix=$(PKG_CONFIG_PATH=$pcdir pkg-config --variable=prefix hv-base)
pc() {
    PKG_CONFIG_PATH=$pcdir pkg-config --define-variable=prefix="$scratch/root$prefix" "$@"
}

status=0
for lib in $(cd "$pcdir" && ls hv-*.pc | sed 's/\.pc$//'); do
    if pc --exists "$lib" && pc --cflags --libs "$lib" >/dev/null; then
        echo "ok   pkg-config $lib: $(pc --cflags --libs "$lib")"
    else
        echo "FAIL pkg-config $lib"
        status=1
    fi
done

# 1. Installed headers and archives, found through pkg-config.
# shellcheck disable=SC2046
$cc -std=c11 -Wall -Wextra -Werror -o "$scratch/consumer-pc" \
    "$src/examples/consumer/consumer.c" $(pc --cflags --libs hv-base)
"$scratch/consumer-pc"

# 2. The source tree as a subproject of an outside Meson project.
mkdir -p "$scratch/outside/subprojects"
cp "$src/examples/consumer/meson.build" "$src/examples/consumer/consumer.c" \
    "$scratch/outside/"
ln -s "$src" "$scratch/outside/subprojects/libhv"
meson setup "$scratch/outside/build" "$scratch/outside" \
    --wrap-mode=forcefallback >"$scratch/outside-setup.log" 2>&1 || {
    cat "$scratch/outside-setup.log"
    exit 1
}
ninja -C "$scratch/outside/build" >"$scratch/outside-build.log" 2>&1 || {
    cat "$scratch/outside-build.log"
    exit 1
}
"$scratch/outside/build/consumer"
exit $status
