#!/usr/bin/env bash
# mkiso-x86_64.sh OUT.iso KERNEL.elf32 'CMDLINE' [MODULE 'MODULE_CMDLINE']...
#
# Builds a BIOS-bootable GRUB ISO (grub-mkrescue; needs grub-pc-bin,
# grub-common, xorriso, mtools) that loads KERNEL with Multiboot2, with the
# given command line and boot modules, on the serial console at 115200 and
# without a menu delay.
set -euo pipefail
[ $# -ge 3 ] && [ $(( ($# - 3) % 2 )) -eq 0 ] || {
    echo "usage: $0 OUT.iso KERNEL 'CMDLINE' [MODULE 'MODULE_CMDLINE']..." >&2
    exit 2
}
out=$1 kernel=$2 cmdline=$3
shift 3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/boot/grub"
cp "$kernel" "$tmp/boot/hv.elf"
{
    echo 'serial --unit=0 --speed=115200 --word=8 --parity=no --stop=1'
    echo 'terminal_input serial'
    echo 'terminal_output serial'
    echo 'set timeout=0'
    echo 'menuentry "libhv" {'
    echo "    multiboot2 /boot/hv.elf $cmdline"
    n=0
    while [ $# -gt 0 ]; do
        cp "$1" "$tmp/boot/module$n"
        echo "    module2 /boot/module$n $2"
        n=$((n + 1))
        shift 2
    done
    echo '    boot'
    echo '}'
} > "$tmp/boot/grub/grub.cfg"
grub-mkrescue -o "$out" "$tmp" >"$tmp.log" 2>&1 || { cat "$tmp.log" >&2; rm -f "$tmp.log"; exit 1; }
rm -f "$tmp.log"
