#!/usr/bin/env bash
# Short libFuzzer run: new inputs go to a scratch corpus in the build tree,
# the seed corpus in the repository is only read.
# Usage: run_fuzz.sh FUZZER SEED_DIR SCRATCH_DIR SECONDS
set -euo pipefail
mkdir -p "$3"
exec "$1" "$3" "$2" -max_total_time="$4" -rss_limit_mb=2048 -print_final_stats=1
