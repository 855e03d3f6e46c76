#!/bin/sh
# Short libFuzzer run for the fuzz suite: run_fuzz.sh TARGET SEEDS SECONDS
# New inputs go to a scratch directory, never into the seed corpus.
set -eu
target=$1 seeds=$2 secs=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$target" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$work/" "$work" "$seeds"
