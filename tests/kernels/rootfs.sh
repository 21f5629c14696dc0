#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# Builds a Debian 12 root filesystem of a foreign architecture (arm64) for the kernel matrix's
# guests, whose host binaries cannot run there: the tools the end-to-end core runs, busybox for
# the initramfs, and the -dev packages sloprobe links, so the same tree is the cross compiler's
# sysroot. debootstrap's second stage runs under qemu-user (binfmt_misc). Kept between runs;
# prints its folder. Usage: tests/kernels/rootfs.sh DIR ARCH
set -euo pipefail
dir=${1:?usage: rootfs.sh DIR ARCH}
arch=${2:?usage: rootfs.sh DIR ARCH}
out=$dir/rootfs-$arch

# What the guest runs (KERNEL_TESTS, tests/e2e/lib.sh, guest.sh) and what sloprobe links
# (the Makefile's LDLIBS_SLOPROBE): one list, so a new test tool or library is one word here.
packages="busybox-static bash python3 nginx iproute2 curl jq wrk bpftool procps kmod gzip
util-linux mount libc6-dev libbpf-dev libelf-dev zlib1g-dev libcjson-dev libmicrohttpd-dev
libgnutls28-dev libyaml-dev libcrypt-dev"
# A change of the list builds the tree again.
stamp=$(echo "$packages" | tr -s ' \n' ',,' | sed 's/,$//')

if [ -s "$out/.sloprobe-rootfs" ] && [ "$(cat "$out/.sloprobe-rootfs")" = "$stamp" ]; then
	echo "$out"
	exit 0
fi
[ "$(id -u)" = 0 ] || { echo "sloprobe: building the $arch root filesystem needs root" >&2; exit 2; }
command -v debootstrap >/dev/null || { echo "sloprobe: debootstrap missing (make deps-arm64)" >&2; exit 2; }

case $arch in
arm64) qemu_arch=aarch64 ;;
*) echo "sloprobe: no root filesystem recipe for $arch" >&2; exit 2 ;;
esac
# The second stage executes the tree's binaries: the kernel hands them to qemu-user. A host
# without systemd-binfmt (a container) has neither the filesystem nor the handler.
binfmt=/proc/sys/fs/binfmt_misc
[ -e "$binfmt/register" ] || mount -t binfmt_misc binfmt_misc "$binfmt"
if [ ! -e "$binfmt/qemu-$qemu_arch" ]; then
	conf=/usr/lib/binfmt.d/qemu-$qemu_arch.conf
	[ -s "$conf" ] || { echo "sloprobe: $conf missing (make deps-arm64 installs qemu-user-static)" >&2; exit 2; }
	cat "$conf" >"$binfmt/register"
fi

# The mirror the host's apt uses, so a host behind its own mirror builds from it.
# shellcheck disable=SC2016 # apt's own $(FIELD) syntax
mirror=$(apt-get indextargets --format '$(REPO_URI)' 'Origin: Debian' 2>/dev/null | grep -v security | head -1)
mirror=${mirror:-http://deb.debian.org/debian/}

rm -rf "$out"
mkdir -p "$out"
echo "sloprobe: building the $arch root filesystem in $out (debootstrap, a few minutes)" >&2
debootstrap --arch="$arch" --foreign --variant=minbase \
	--include="$(echo "$packages" | tr -s ' \n' ',,' | sed 's/,$//')" bookworm "$out" "$mirror" \
	>"$dir/rootfs-$arch.log" 2>&1 ||
	{ echo "sloprobe: debootstrap (first stage) failed: $dir/rootfs-$arch.log" >&2; exit 1; }
# nginx's package would start a server inside the chroot.
printf '#!/bin/sh\nexit 101\n' >"$out/usr/sbin/policy-rc.d"
chmod 755 "$out/usr/sbin/policy-rc.d"
chroot "$out" /debootstrap/debootstrap --second-stage >>"$dir/rootfs-$arch.log" 2>&1 ||
	{ echo "sloprobe: debootstrap (second stage) failed: $dir/rootfs-$arch.log" >&2; exit 1; }
rm -f "$out/usr/sbin/policy-rc.d"
# The package caches are only the download's leftovers.
rm -rf "$out"/var/cache/apt/archives/*.deb
echo "$stamp" >"$out/.sloprobe-rootfs"
echo "$out"
