#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# Installs the Debian packages sloprobe builds and tests with (the last line: the kernel matrix,
# tests/kernels/); quiet when all are present. `install-deps.sh arm64` installs instead what the
# matrix's arm64 guest needs (make deps-arm64): qemu for arm64, the cross compiler, debootstrap
# and qemu-user for the guest's root filesystem, and dpkg's arm64 architecture for its kernel.
set -eu

PACKAGES="clang libclang-rt-dev llvm bpftool libbpf-dev libelf-dev zlib1g-dev libcjson-dev libmicrohttpd-dev
libcmocka-dev make gcc pkg-config jq python3 python3-yaml iproute2 procps util-linux nginx libnginx-mod-http-echo wrk bpftrace prometheus chromium fonts-dejavu-core curl
libyaml-dev libgnutls28-dev libcrypt-dev openssl python3-bcrypt python3-websockets
redis-server redis-tools nghttp2-client postgresql python3-grpcio apache2-utils
qemu-system-x86 busybox-static cpio kmod linux-perf"
foreign=""
if [ "${1:-}" = arm64 ]; then
	PACKAGES="qemu-system-arm gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu debootstrap
qemu-user-static"
	dpkg --print-foreign-architectures | grep -qx arm64 || foreign=arm64
fi

missing=""
for pkg in $PACKAGES; do
	status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
	case "$status" in
	"install ok installed") ;;
	*) missing="$missing $pkg" ;;
	esac
done
[ -z "$missing" ] && [ -z "$foreign" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "sloprobe: missing packages:$missing; run 'make deps${1:+-$1}' as root" >&2
	exit 2
fi
[ -n "$foreign" ] && dpkg --add-architecture "$foreign"
echo "installing:$missing${foreign:+ (and dpkg architecture $foreign)}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# nginx and prometheus packages start default servers (ports 80, 9090): keep them from
# starting here.
own_policy=""
if [ ! -e /usr/sbin/policy-rc.d ]; then
	printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
	chmod +x /usr/sbin/policy-rc.d
	own_policy=1
fi
status=0
# shellcheck disable=SC2086 # one word per package
apt-get install -y -qq --no-install-recommends $missing >/dev/null || status=$?
[ -n "$own_policy" ] && rm -f /usr/sbin/policy-rc.d
if [ "$status" -ne 0 ]; then
	echo "sloprobe: apt-get install failed for:$missing" >&2
	exit 1
fi
