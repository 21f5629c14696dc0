#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# Run by qemu.sh inside a mount namespace of its own (unshare -m): binds the guest's root DIR at
# MOUNTPOINT, then each PATH of the host at the same path inside it (an arm64 guest's root has
# no repository or build folder of its own), makes them all read-only, and runs COMMAND
# (virtiofsd) on that tree. The host's mounts are left as they are.
# Usage: share.sh MOUNTPOINT DIR [PATH...] -- COMMAND...
set -euo pipefail
mountpoint=${1:?usage: share.sh MOUNTPOINT DIR [PATH...] -- COMMAND...}
dir=${2:?usage: share.sh MOUNTPOINT DIR [PATH...] -- COMMAND...}
shift 2
targets=("$mountpoint")
mount --bind "$dir" "$mountpoint"
while [ $# -gt 0 ] && [ "$1" != -- ]; do
	# The mount point is made in DIR itself, before anything is read-only.
	mkdir -p "$mountpoint$1"
	mount --bind "$1" "$mountpoint$1"
	targets+=("$mountpoint$1")
	shift
done
shift
for target in "${targets[@]}"; do
	mount -o remount,bind,ro "$target"
done
exec "$@"
