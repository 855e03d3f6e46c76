#!/usr/bin/env bash
# Boot an AArch64 libhv image in QEMU (TCG) at EL2 with the serial line on
# this terminal. Usage: run-image-aarch64.sh IMAGE.elf [COMMAND LINE]
# [extra QEMU args, e.g. -cpu max or -M virt,virtualization=on,gic-version=3]
# The image powers itself off through PSCI SYSTEM_OFF after its run time;
# QEMU then exits with 0 whatever the image's status, so this script takes
# the status from the image's last console line ("PSCI SYSTEM_OFF, status
# N"). A hard timeout (120 s, or $HV_RUN_TIMEOUT) stops a hung run;
# $HV_RUN_MEMORY sets the RAM in MiB (256).
set -uo pipefail
image=$1
cmdline=${2:-}
shift $(($# >= 2 ? 2 : 1))

machine=virt,virtualization=on
cpu=cortex-a57
args=()
while [ $# -gt 0 ]; do
    case $1 in
    -M) machine=$2; shift 2 ;;
    -cpu) cpu=$2; shift 2 ;;
    *) args+=("$1"); shift ;;
    esac
done

log=$(mktemp)
trap 'rm -f "$log"' EXIT
timeout "${HV_RUN_TIMEOUT:-120}" qemu-system-aarch64 -M "$machine" \
    -cpu "$cpu" -m "${HV_RUN_MEMORY:-256}" -display none -serial stdio -monitor none \
    -no-reboot -kernel "$image" -append "$cmdline" "${args[@]}" | tee "$log"
rc=${PIPESTATUS[0]}
if [ "$rc" -eq 124 ]; then
    echo "run-image-aarch64: timed out" >&2
    exit 124
fi
status=$(tr -d '\r' <"$log" | sed -n 's/.*PSCI SYSTEM_OFF, status \([0-9]*\).*/\1/p' | tail -1)
if [ "$rc" -eq 0 ] && [ -n "$status" ]; then
    exit "$status"
fi
exit $((rc == 0 ? 3 : rc))
