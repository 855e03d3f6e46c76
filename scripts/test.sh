#!/usr/bin/env bash
# Every test: install what is missing, then
#   1. the host build (build/): all suites -- unit, lint, baremetal, install;
#   2. the sanitizer build (build-asan/): unit and xsa suites under
#      ASan+UBSan;
#   3. the fuzz build (build-fuzz/, clang): short libFuzzer runs;
#   4. the x86_64 and AArch64 bare-metal builds (build-x86/, build-arm/):
#      images booted in QEMU.
# Ends with the line "N passed, N failed" and exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."

bash scripts/deps.sh || exit 1

status=0
logs=()
broken=0 # suites that could not even be built: each counts as a failure

run_suite() { # NAME BUILDDIR SETUP-ARGS... -- TEST-ARGS...
    local name=$1 dir=$2
    shift 2
    local setup=() test=()
    while [ $# -gt 0 ] && [ "$1" != "--" ]; do setup+=("$1"); shift; done
    [ $# -gt 0 ] && shift
    test=("$@")
    echo "=== $name ($dir)"
    if [ ! -f "$dir/build.ninja" ]; then
        meson setup "$dir" "${setup[@]}" >/dev/null ||
            { echo "FAILED: meson setup of $name"; status=1; broken=$((broken + 1)); return; }
    fi
    ninja -C "$dir" >/dev/null ||
        { ninja -C "$dir" | tail -20; echo "FAILED: build of $name"; status=1; broken=$((broken + 1)); return; }
    meson test -C "$dir" --print-errorlogs "${test[@]}" || status=1
    logs+=("$dir/meson-logs/testlog.json")
}

run_suite host build -- --num-processes 2
run_suite sanitizers build-asan -Db_sanitize=address,undefined \
    -Dc_args=-fno-sanitize-recover=all -Dexamples=false -- --suite unit --suite xsa
if ls tests/fuzz/*/meson.build >/dev/null 2>&1; then
    CC=clang run_suite fuzz build-fuzz -Dfuzz=true -Dexamples=false \
        -- --suite fuzz
fi

run_suite x86_64 build-x86 --cross-file meson/cross/x86_64-elf.ini \
    -- --suite qemu --num-processes 2
run_suite aarch64 build-arm --cross-file meson/cross/aarch64-elf.ini \
    -- --suite qemu --num-processes 2

python3 scripts/count-results.py --broken "$broken" "${logs[@]}" || status=1
exit $status
