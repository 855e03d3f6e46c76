#!/usr/bin/env bash
# Boot an x86_64 libhv image in QEMU (TCG) with the serial line on this
# terminal. Usage: run-image.sh IMAGE.elf [COMMAND LINE] [extra QEMU args]
# The image powers itself off (isa-debug-exit) after its run time; QEMU's
# exit status is then (status << 1) | 1, so 1 means success, and this
# script turns it back into the image's own status. A hard timeout (120 s,
# or $HV_RUN_TIMEOUT) stops a hung run.
set -uo pipefail
image=$1
cmdline=${2:-}
shift $(($# >= 2 ? 2 : 1))

timeout "${HV_RUN_TIMEOUT:-120}" qemu-system-x86_64 -M pc -m 256 \
    -display none -serial stdio -monitor none -no-reboot \
    -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
    -kernel "$image" -append "$cmdline" "$@"
rc=$?
if [ $rc -eq 124 ]; then
    echo "run-image: timed out" >&2
    exit 124
fi
if [ $((rc & 1)) -eq 1 ]; then
    exit $((rc >> 1))
fi
exit $rc
