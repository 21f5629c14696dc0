#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# Downloads Debian's current kernel of a flavour (cloud-amd64, rt-amd64, cloud-arm64) and
# unpacks it into DIR/FLAVOUR/, never installing it: the host's /boot and bootloader are left
# alone. Prints the unpacked folder; kept between runs, fetched again when Debian moves on.
# Usage: tests/kernels/fetch.sh DIR FLAVOUR
set -euo pipefail
dir=${1:?usage: fetch.sh DIR FLAVOUR}
flavour=${2:?usage: fetch.sh DIR FLAVOUR}

# The flavour's metapackage names the current ABI's image package.
meta=linux-image-$flavour
case $flavour in
*-arm64) meta=$meta:arm64 ;;
esac
image_of() {
	apt-cache depends "$meta" 2>/dev/null |
		awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ { print $2; exit }'
}
package=$(image_of)
# A fresh host may have no package lists yet.
if [ -z "$package" ] && [ "$(id -u)" = 0 ]; then
	apt-get update -qq >/dev/null 2>&1
	package=$(image_of)
fi
if [ -z "$package" ]; then
	echo "sloprobe: no Debian kernel package for $flavour (apt-get update; for arm64, make deps-arm64)" >&2
	exit 2
fi
release=${package#linux-image-}
release=${release%:*}
out=$dir/$flavour
if [ ! -s "$out/release" ] || [ "$(cat "$out/release")" != "$release" ]; then
	rm -rf "$out"
	mkdir -p "$out/deb"
	(cd "$out/deb" && apt-get download -q "$package" >/dev/null 2>&1) ||
		{ echo "sloprobe: apt-get download $package failed" >&2; exit 1; }
	dpkg-deb -x "$out"/deb/*.deb "$out/root"
	rm -rf "$out/deb"
	# Debian's postinst would run depmod; the guest's modprobe needs its tables.
	depmod -b "$out/root" "$release"
	echo "$release" >"$out/release"
fi
echo "$out"
