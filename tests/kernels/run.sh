#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# The kernel matrix: boots each of Debian 12's kernels named under qemu, with the host's root
# filesystem (an arm64 one of its own for arm64: rootfs.sh, cross.sh) shared read-only
# (virtiofs) under a tmpfs overlay, runs end-to-end tests inside, and prints one line per
# kernel: `kernel RELEASE ARCH PROGRAM-SET: N passed, M failed`.
# Usage: tests/kernels/run.sh BUILD_DIR FLAVOUR...   (FLAVOUR: cloud-amd64, rt-amd64, cloud-arm64)
# SLOPROBE_KERNEL_TESTS: the e2e tests to run (the Makefile's KERNEL_TESTS);
# SLOPROBE_QEMU_ACCEL=kvm|tcg forces the accelerator (default: KVM when it boots a kernel);
# SLOPROBE_KERNEL_TIMEOUT: seconds a guest may run (default 1200).
set -u
build=$(cd "${1:?usage: run.sh BUILD_DIR FLAVOUR...}" && pwd)
shift
repo=$(cd "$(dirname "$0")/../.." && pwd)
here=$repo/tests/kernels
tests=${SLOPROBE_KERNEL_TESTS:?set SLOPROBE_KERNEL_TESTS to the e2e tests to run}
timeout_s=${SLOPROBE_KERNEL_TIMEOUT:-1200}
kernels=$build/kernels
VIRTIOFSD=/usr/lib/qemu/virtiofsd
BUSYBOX=/bin/busybox
mkdir -p "$kernels"

# shellcheck source=tests/kernels/qemu.sh
. "$here/qemu.sh"

failed_kernels=0
for flavour in "$@"; do
	kdir=$("$here/fetch.sh" "$kernels" "$flavour") || { failed_kernels=$((failed_kernels + 1)); continue; }
	run_kernel "$flavour" "$kdir" || failed_kernels=$((failed_kernels + 1))
done
[ "$failed_kernels" -eq 0 ]
