#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# Builds the small initramfs that boots a fetched kernel into the host's own root filesystem:
# busybox, the kernel's virtio, virtiofs and overlay modules with what they need, and
# tests/kernels/init. Usage: tests/kernels/initramfs.sh KERNEL_DIR BUSYBOX OUTPUT
set -euo pipefail
kdir=${1:?usage: initramfs.sh KERNEL_DIR BUSYBOX OUTPUT}
busybox=${2:?}
output=${3:?}
here=$(cd "$(dirname "$0")" && pwd)
release=$(cat "$kdir/release")
modules=$kdir/root/lib/modules/$release
[ -x "$busybox" ] || { echo "sloprobe: $busybox missing (make deps installs busybox-static)" >&2; exit 2; }

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage"/{bin,dev,proc,sys,lower,upper,newroot,modules}
cp "$busybox" "$stage/bin/busybox"
cp "$here/init" "$stage/init"
chmod 755 "$stage/init"

# Each module after what it needs: modules.dep lists a module's needs last-loaded first.
: >"$stage/modules/order"
for want in virtio_pci virtio_mmio virtiofs overlay; do
	line=$(grep -E "(^|/)$want\.ko:" "$modules/modules.dep") ||
		{ echo "sloprobe: $release has no $want module" >&2; exit 2; }
	# shellcheck disable=SC2086 # one word per module path
	set -- ${line#*:}
	paths=()
	for dep in "$@"; do paths=("$dep" "${paths[@]}"); done
	paths+=("${line%%:*}")
	for path in "${paths[@]}"; do
		name=$(basename "$path")
		grep -qx "$name" "$stage/modules/order" && continue
		cp "$modules/$path" "$stage/modules/$name"
		echo "$name" >>"$stage/modules/order"
	done
done
(cd "$stage" && find . | cpio -o -H newc --quiet) | gzip -1 >"$output"
