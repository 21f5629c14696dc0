# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# Boots one kernel of the matrix under qemu and reads its results; sourced by run.sh, which
# sets build, kernels, repo, here, tests, timeout_s, VIRTIOFSD and BUSYBOX.
# shellcheck shell=bash
# shellcheck disable=SC2154 # build, kernels, repo, here, tests, timeout_s: set by run.sh

VM_PIDS=()
VM_TMP=""
vm_cleanup() {
	local pid
	for pid in "${VM_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null; done
	for pid in "${VM_PIDS[@]}"; do wait "$pid" 2>/dev/null; done
	VM_PIDS=()
	[ -n "$VM_TMP" ] && rm -rf "$VM_TMP"
	VM_TMP=""
}
trap vm_cleanup EXIT
trap 'exit 130' INT TERM

# qemu_of FLAVOUR: the qemu binary, machine, console and emulated CPU of the flavour's
# architecture. arm64's pointer authentication with QEMU's own hash instead of the
# architected one (pauth-impdef) leaves the guest the same features at a fraction of the cost
# under TCG.
qemu_of() {
	case $1 in
	*-amd64) QEMU=qemu-system-x86_64 MACHINE=q35 CONSOLE=ttyS0 TCG_CPU=max ;;
	*-arm64) QEMU=qemu-system-aarch64 MACHINE=virt CONSOLE=ttyAMA0 TCG_CPU=max,pauth-impdef=on ;;
	*) echo "sloprobe: unknown kernel flavour $1" >&2; return 2 ;;
	esac
	command -v "$QEMU" >/dev/null || { echo "sloprobe: $QEMU is missing (make deps)" >&2; return 2; }
}

# accel_for KERNEL: "kvm" when KVM boots KERNEL to its first panic (no root: a few seconds),
# else "tcg". A nested KVM that cannot run the guest ("KVM internal error", a failed MSR
# write) fails this quickly.
accel_for() {
	local kernel=$1 out
	if [ -n "${SLOPROBE_QEMU_ACCEL:-}" ]; then
		echo "$SLOPROBE_QEMU_ACCEL"
		return
	fi
	if [ -w /dev/kvm ] && [ "$QEMU" = "qemu-system-$(uname -m)" ]; then
		out=$(timeout 60 "$QEMU" -accel kvm -cpu host -machine "$MACHINE" -m 512 -nographic \
			-no-reboot -kernel "$kernel" -append "console=$CONSOLE panic=-1" 2>&1 </dev/null)
		case $out in
		*"Kernel panic"*) echo kvm; return ;;
		esac
	fi
	echo tcg
}

# start_virtiofsd SOCKET DIR [ro [PATH...]]: serves DIR on SOCKET until qemu disconnects.
# Read-only through read-only bind mounts in a mount namespace of its own (share.sh), with
# each PATH of the host at its own place inside DIR.
start_virtiofsd() {
	local socket=$1 dir=$2 mode=${3:-rw} source=$2
	if [ "$mode" = ro ]; then
		shift 3
		source=$VM_TMP/rootfs
		mkdir -p "$source"
		unshare -m --propagation private "$here/share.sh" "$source" "$dir" "$@" -- \
			"$VIRTIOFSD" --socket-path="$socket" -o source="$source" \
			-o cache=auto -o sandbox=chroot >"$VM_TMP/virtiofsd-ro.log" 2>&1 &
	else
		"$VIRTIOFSD" --socket-path="$socket" -o source="$source" -o sandbox=chroot \
			>"$VM_TMP/virtiofsd-rw.log" 2>&1 &
	fi
	VM_PIDS+=($!)
	local _
	for _ in $(seq 50); do
		[ -S "$socket" ] && return 0
		sleep 0.1
	done
	echo "sloprobe: virtiofsd did not start for $dir" >&2
	return 1
}

# boot_guest KDIR ACCEL RESULTS LOG: runs the guest until it powers off or timeout_s passes.
# Its root is GUEST_ROOT, with GUEST_PATHS of the host inside it (guest_root_of).
boot_guest() {
	local kdir=$1 accel=$2 results=$3 log=$4 release cpu qemu_pid rc
	release=$(cat "$kdir/release")
	cpu=$TCG_CPU
	[ "$accel" = kvm ] && cpu=host
	start_virtiofsd "$VM_TMP/root.sock" "$GUEST_ROOT" ro "${GUEST_PATHS[@]}" || return 1
	start_virtiofsd "$VM_TMP/results.sock" "$results" || return 1
	"$QEMU" -accel "$accel" -cpu "$cpu" -machine "$MACHINE" -smp "${SLOPROBE_KERNEL_CPUS:-2}" \
		-m 2G -nographic -no-reboot -nic none \
		-object memory-backend-memfd,id=mem,size=2G,share=on -numa node,memdev=mem \
		-chardev socket,id=root,path="$VM_TMP/root.sock" \
		-device vhost-user-fs-pci,chardev=root,tag=hostroot \
		-chardev socket,id=results,path="$VM_TMP/results.sock" \
		-device vhost-user-fs-pci,chardev=results,tag=results \
		-kernel "$kdir/root/boot/vmlinuz-$release" -initrd "$kdir/initrd.gz" \
		-append "console=$CONSOLE panic=-1 quiet sloprobe_results=$results sloprobe_guest=$here/guest.sh" \
		</dev/null >"$log" 2>&1 &
	qemu_pid=$!
	VM_PIDS+=("$qemu_pid")
	timeout_wait "$qemu_pid" "$timeout_s"
	rc=$?
	vm_cleanup
	return $rc
}

# timeout_wait PID SECONDS: waits for PID; kills it and fails after SECONDS.
timeout_wait() {
	local pid=$1 left=$2
	while kill -0 "$pid" 2>/dev/null; do
		if [ "$left" -le 0 ]; then
			kill -KILL "$pid" 2>/dev/null
			return 124
		fi
		sleep 1
		left=$((left - 1))
	done
	wait "$pid"
}

# guest_root_of FLAVOUR KDIR: sets GUEST_ROOT, GUEST_PATHS, GUEST_BUILD and GUEST_BUSYBOX.
# An x86_64 guest runs the host's root and binaries; an arm64 one a Debian root of its own
# (rootfs.sh) with the repository, the kernel and sloprobe built for it (cross.sh) shared in.
guest_root_of() {
	local flavour=$1 kdir=$2 arch
	case $flavour in
	*-amd64)
		GUEST_ROOT=/ GUEST_PATHS=() GUEST_BUILD=$build GUEST_BUSYBOX=$BUSYBOX
		return
		;;
	esac
	arch=${flavour##*-}
	GUEST_ROOT=$("$here/rootfs.sh" "$kernels" "$arch") || return 1
	GUEST_BUILD=$("$here/cross.sh" "$build" "$arch" "$GUEST_ROOT") ||
		{ echo "sloprobe: building sloprobe for $arch failed" >&2; return 1; }
	GUEST_PATHS=("$repo" "$GUEST_BUILD" "$kdir")
	GUEST_BUSYBOX=$GUEST_ROOT/bin/busybox
}

# run_kernel FLAVOUR KDIR: boots the flavour's kernel, prints its line; fails when a test did.
run_kernel() {
	local flavour=$1 kdir=$2 release accel results log summary passed failed set arch emulated
	local start took
	qemu_of "$flavour" || return 1
	guest_root_of "$flavour" "$kdir" || return 1
	release=$(cat "$kdir/release")
	if [ ! -s "$kdir/initrd.gz" ] || [ "$here/init" -nt "$kdir/initrd.gz" ] ||
		[ "$here/initramfs.sh" -nt "$kdir/initrd.gz" ]; then
		"$here/initramfs.sh" "$kdir" "$GUEST_BUSYBOX" "$kdir/initrd.gz" || return 1
	fi
	accel=$(accel_for "$kdir/root/boot/vmlinuz-$release")
	results=$kdir/results
	rm -rf "$results"
	mkdir -p "$results"
	VM_TMP=$(mktemp -d /tmp/sloprobe-vm.XXXXXX)
	emulated=""
	[ "$accel" = tcg ] && emulated=1
	cat >"$results/config" <<CONFIG
REPO='$repo'
BUILD='$GUEST_BUILD'
TESTS='$tests'
KERNEL_MODULES='$kdir/root/lib/modules/$release'
SLOPROBE_EMULATED='$emulated'
CONFIG
	log=$kdir/console.log
	if [ -n "$emulated" ]; then
		echo "kernel $release: booting under qemu, software emulation (TCG): client rates lowered, latency tolerances widened; tests: $tests"
	else
		echo "kernel $release: booting under qemu with KVM; tests: $tests"
	fi
	start=$(date +%s)
	boot_guest "$kdir" "$accel" "$results" "$log"
	took=$(( $(date +%s) - start ))
	arch=$(sed -n 's/^arch=//p' "$results/guest" 2>/dev/null)
	set=$(sed -n 's/^set=//p' "$results/guest" 2>/dev/null)
	summary=$(grep '^e2e' "$results/e2e.log" 2>/dev/null | tail -1)
	if [ -z "$summary" ]; then
		echo "kernel $release ${arch:-?} ${set:-?}: 0 passed, 1 failed (the guest did not finish in ${took}s: $log)"
		return 1
	fi
	passed=$(sed -E 's/.*: ([0-9]+) passed.*/\1/' <<<"$summary")
	failed=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$summary")
	grep -E '^(--- FAIL|failed:)' "$results/e2e.log" | sed 's/^/    /'
	echo "kernel $release ${arch:-?} ${set:-?}: $passed passed, $failed failed (${took}s; log $results/e2e.log)"
	[ "$failed" -eq 0 ] || return 1
	[ "$(cat "$results/exit" 2>/dev/null)" = 0 ] ||
		{ echo "    the guest recorded no exit status for the tests: see $log"; return 1; }
}
