#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# Builds sloprobe and the end-to-end tests' tools for a foreign architecture into
# BUILD_DIR/ARCH, with the guest's root filesystem (tests/kernels/rootfs.sh) as the cross
# compiler's sysroot: its -dev packages are the libraries the guest runs. Prints the folder.
# Usage: tests/kernels/cross.sh BUILD_DIR ARCH ROOTFS
set -euo pipefail
build=${1:?usage: cross.sh BUILD_DIR ARCH ROOTFS}
arch=${2:?usage: cross.sh BUILD_DIR ARCH ROOTFS}
rootfs=${3:?usage: cross.sh BUILD_DIR ARCH ROOTFS}
repo=$(cd "$(dirname "$0")/../.." && pwd)

case $arch in
arm64) triplet=aarch64-linux-gnu ;;
*) echo "sloprobe: no cross compiler known for $arch" >&2; exit 2 ;;
esac
command -v "$triplet-gcc" >/dev/null ||
	{ echo "sloprobe: $triplet-gcc missing (make deps-arm64)" >&2; exit 2; }
out=$build/$arch
log=$build/cross-$arch.log
# The archives need the target's ar: the host's cannot index foreign objects. The build's lines
# go to a log, shown when it fails: the matrix prints one line per kernel.
if ! make -C "$repo" --no-print-directory -j"${SLOPROBE_JOBS:-2}" OUTPUT="$out" ARCH="$arch" \
	CC="$triplet-gcc --sysroot=$rootfs" AR="$triplet-ar" all >"$log" 2>&1; then
	tail -20 "$log" >&2
	exit 1
fi
echo "$out"
