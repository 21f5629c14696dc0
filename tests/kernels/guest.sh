#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# The test guest's PID 1 once tests/kernels/init has switched to the host's root (read-only,
# under a tmpfs overlay): mounts what a booted host has, runs the end-to-end tests named in
# $sloprobe_results/config and writes their log and summary there, then powers off. The host
# (tests/kernels/run.sh) reads the results share.
set -u
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C
results=${sloprobe_results:?no sloprobe_results on the kernel command line}

# shellcheck disable=SC2317 # run by the EXIT trap
power_off() {
	sync
	echo o >/proc/sysrq-trigger
	sleep 30
}
trap power_off EXIT

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
mount -t tmpfs tmpfs /run
# The guest's modules come from the unpacked package, through the host's root.
# shellcheck source=/dev/null
. "$results/config"
mkdir -p "/lib/modules/$(uname -r)" /run/sloprobe-results
mount --bind "$KERNEL_MODULES" "/lib/modules/$(uname -r)"
# The results share, the modules, the tests and binaries are taken out of the way of the /tmp
# mounted below, which would hide them when the repository or its build lives under /tmp (a CI
# clone). The tests and binaries are copied (init copied this script): a file the host
# replaces meanwhile (an edit, a rebuild) would be a stale handle through virtiofs.
mount --move "$results" /run/sloprobe-results
results=/run/sloprobe-results
mkdir -p /run/sloprobe-guest/tests /run/sloprobe-guest/build
cp -a "$REPO/tests/e2e" /run/sloprobe-guest/tests/
find "$BUILD" -maxdepth 1 -type f -exec cp -a {} /run/sloprobe-guest/build/ \;
REPO=/run/sloprobe-guest BUILD=/run/sloprobe-guest/build
# The host's /tmp shows through the overlay: the tests' folders go to a /tmp of the guest's own.
mount -t tmpfs tmpfs /tmp
mkdir -p /run/netns
mount -t cgroup2 cgroup2 /sys/fs/cgroup
mount -t bpf bpf /sys/fs/bpf
# tracefs stays unmounted, as on a fresh host: sloprobe mounts it for itself.
ip link set lo up
hostname sloprobe-guest

# The program set auto chooses here, from the banner of a one-second run.
"$BUILD/sloprobe" top --json --duration 1 --interval 1 >/dev/null 2>"$results/banner"
{
	echo "release=$(uname -r)"
	echo "arch=$(uname -m)"
	echo "set=$(sed -n 's/^sloprobe: program set \([a-z-]*\) .*/\1/p' "$results/banner")"
} >"$results/guest"
# The kernel's own types, from which vmlinux/arm64/vmlinux.h is made (docs/TESTING.md).
cp /sys/kernel/btf/vmlinux "$results/btf" 2>/dev/null

# Each test's folder is kept and copied out: the guest's /tmp is gone once it powers off.
# shellcheck disable=SC2086 # TESTS is a list of names
SLOPROBE_REQUIRE_BPF=1 SLOPROBE_EMULATED=$SLOPROBE_EMULATED SLOPROBE_KEEP_WORK=1 \
	"$REPO/tests/e2e/run.sh" "$BUILD" $TESTS >"$results/e2e.log" 2>&1
echo "$?" >"$results/exit"
mkdir -p "$results/work"
cp -a /tmp/sloprobe-e2e.* "$results/work/" 2>/dev/null
exit 0
