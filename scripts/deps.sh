#!/usr/bin/env bash
# Install the Debian 12 packages libhv needs, if any are missing.
# Called by scripts/run.sh and scripts/test.sh; needs root (or sudo) only
# when something has to be installed.
set -euo pipefail

packages=(
    meson ninja-build pkg-config python3
    gcc g++ libc6-dev
    gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu
    libcmocka-dev libpcap-dev tcpdump
    clang clang-format libclang-rt-14-dev
    qemu-system-x86 qemu-system-arm
    grub-pc-bin grub-common xorriso mtools
)

missing=()
for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$p")
    fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps: installing ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "deps: need root or sudo to install ${missing[*]}" >&2; exit 1; }
    sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
