#!/usr/bin/env bash
# Run a libFuzzer target for a short while on a copy of its seed corpus
# (libFuzzer writes new inputs into its first corpus directory; the seeds
# in the source tree stay untouched).
# Usage: run_fuzz.sh TARGET SEED_DIR WORK_DIR SECONDS
set -euo pipefail
target=$1
seeds=$2
work=$3
secs=$4
mkdir -p "$work/corpus"
exec "$target" -max_total_time="$secs" -artifact_prefix="$work/" \
    -print_final_stats=1 "$work/corpus" "$seeds"
