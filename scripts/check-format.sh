#!/usr/bin/env bash
# Fail if any C source or header differs from what clang-format (the
# .clang-format at the root) would make of it. Fix with:
#   scripts/check-format.sh --fix
set -euo pipefail
root=${1:-$(dirname "$0")/..}
fix=0
[ "${1:-}" = "--fix" ] && { fix=1; root=$(dirname "$0")/..; }
cd "$root"

cf=$(command -v clang-format-14 || command -v clang-format || true)
[ -n "$cf" ] || { echo "clang-format not installed (scripts/deps.sh)"; exit 1; }

mapfile -t files < <(find libhv* tests examples images \
    \( -name '*.c' -o -name '*.h' \) -not -path '*/build*' | sort)
if [ $fix -eq 1 ]; then
    "$cf" -i "${files[@]}"
    exit 0
fi
if "$cf" --dry-run --Werror "${files[@]}"; then
    echo "format: ${#files[@]} files clean ($("$cf" --version))"
else
    echo "format: run scripts/check-format.sh --fix"
    exit 1
fi
