# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# sloprobe: BPF objects -> one linked object -> skeleton -> the sloprobe binary, plus tests.
OUTPUT ?= build
ARCH ?= $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')
CLANG ?= clang
BPFTOOL ?= bpftool
CC ?= gcc

ifeq ($(V),1)
Q =
msg =
else
Q = @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

SHELL := /bin/bash
.DELETE_ON_ERROR:
.PHONY: all check-layers deps deps-arm64 test unit fuzz e2e e2e-syscalls soak check-deploy demo bench bench-scale bench-planner clean lint format \
	test-asan test-valgrind unit-bins test-kernels test-kernel-ci

# conn.bpf.c defines the shared maps: bpftool 7.1's linker wants the definition before any
# object that only declares them extern.
BPF_SRCS := bpf/conn.bpf.c $(filter-out bpf/conn.bpf.c,$(wildcard bpf/*.bpf.c))
BPF_OBJS := $(patsubst bpf/%.bpf.c,$(OUTPUT)/bpf/%.bpf.o,$(BPF_SRCS))
BPF_CFLAGS := -g -O2 -target bpf -mcpu=v3 -D__TARGET_ARCH_$(ARCH) -MMD -MP -Wall -Wextra -Werror \
	-Wno-unused-parameter -Ivmlinux/$(ARCH) -Iinclude

CFLAGS ?= -O2 -g
# SANITIZE=1 instruments userspace only (the BPF objects never see CFLAGS); used by test-asan.
ifeq ($(SANITIZE),1)
CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
endif
CFLAGS += -Wall -Wextra -Werror -std=gnu11 -D_GNU_SOURCE -MMD -MP -Iinclude -Iuser -Iplanner \
	-I$(OUTPUT)
LDLIBS_SLOPROBE := -lbpf -lelf -lz -lcjson -lmicrohttpd -lgnutls -lyaml -lcrypt -lpthread -lm

# The layout is the rule: user/kernel/ is the only folder that talks to libbpf and the
# skeleton. Every other folder of user/ is free of it and goes into one archive that the unit
# tests link too (an archive member is only linked where a test needs one of its symbols).
KERNEL_SRCS := $(wildcard user/kernel/*.c)
CORE_SRCS := $(filter-out $(KERNEL_SRCS) user/cmd/main.c,$(wildcard user/*/*.c))
KERNEL_OBJS := $(patsubst user/%.c,$(OUTPUT)/user/%.o,$(KERNEL_SRCS))
CORE_OBJS := $(patsubst user/%.c,$(OUTPUT)/user/%.o,$(CORE_SRCS))
CORE_LIB := $(OUTPUT)/libsloprobe-core.a
# The capacity planner's models: pure math, linked into the binary and the unit tests.
PLANNER_SRCS := $(wildcard planner/*.c)
PLANNER_OBJS := $(patsubst planner/%.c,$(OUTPUT)/planner/%.o,$(PLANNER_SRCS))
PLANNER_LIB := $(OUTPUT)/libsloprobe-planner.a

# The overhead benchmark's floor (bench/floor.bpf.c: empty programs on sloprobe's events), the
# least a request-latency tracer does (bench/minimal.bpf.c), the cost of each building block
# (bench/primitives.bpf.c), their loader, and the line table reader of bench/prog_profile.sh:
# never part of the sloprobe binary.
BENCH_TOOLS := $(OUTPUT)/bench/floor $(OUTPUT)/bench/floor.bpf.o $(OUTPUT)/bench/minimal.bpf.o \
	$(OUTPUT)/bench/primitives.bpf.o $(OUTPUT)/bench/jit_lines

UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(OUTPUT)/tests/%,$(UNIT_SRCS))

all: check-layers $(OUTPUT)/sloprobe $(OUTPUT)/slo-server $(OUTPUT)/slo-load \
	$(OUTPUT)/drop_share.bpf.o $(BENCH_TOOLS)

# Fails the build when code outside user/kernel/ reaches for libbpf or the skeleton.
check-layers:
	$(Q)! grep -rlE '#include [<"](bpf/|sloprobe\.skel\.h)' user planner \
		--exclude-dir=kernel || { echo 'only user/kernel/ may include libbpf' >&2; exit 1; }

$(OUTPUT)/bpf/%.bpf.o: bpf/%.bpf.c
	$(call msg,BPF,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

# The BPF static linker joins the per-concern objects and resolves their shared maps.
$(OUTPUT)/sloprobe.bpf.o: $(BPF_OBJS)
	$(call msg,LINK-BPF,$@)
	$(Q)$(BPFTOOL) gen object $@ $^

$(OUTPUT)/sloprobe.skel.h: $(OUTPUT)/sloprobe.bpf.o
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name sloprobe_bpf > $@

$(OUTPUT)/bench/%.bpf.o: bench/%.bpf.c
	$(call msg,BPF,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(OUTPUT)/bench/floor: bench/floor.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $< -lbpf -lelf -lz -o $@

$(OUTPUT)/bench/jit_lines: bench/jit_lines.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $< -lbpf -lelf -lz -o $@

$(OUTPUT)/user/%.o: user/%.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(OUTPUT)/planner/%.o: planner/%.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(KERNEL_OBJS): | $(OUTPUT)/sloprobe.skel.h

$(OUTPUT)/%.a:
	$(call msg,AR,$@)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(CORE_LIB): $(CORE_OBJS)
$(PLANNER_LIB): $(PLANNER_OBJS)

$(OUTPUT)/sloprobe: $(OUTPUT)/user/cmd/main.o $(KERNEL_OBJS) $(CORE_LIB) $(PLANNER_LIB)
	$(call msg,LD,$@)
	$(Q)$(CC) $(CFLAGS) $(filter %.o %.a,$^) $(LDLIBS_SLOPROBE) -o $@

include tests/tools/tools.mk

$(OUTPUT)/tests/test_%: tests/unit/test_%.c $(CORE_LIB) $(PLANNER_LIB)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -MF $@.d $(filter %.c %.a,$^) -lcmocka -lcjson -lyaml -lz -lm -o $@

# libFuzzer targets over the parsers of untrusted input, built with clang whatever CC is: the
# parsers instrumented for coverage and sanitizers, cJSON, libyaml and zlib as the system ships
# them.
FUZZ_SECONDS ?= 20
FUZZ_CFLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
	-fno-sanitize-recover=all -Wall -Wextra -Werror -std=gnu11 -D_GNU_SOURCE -Iinclude -Iuser \
	-Iplanner -Itests/fuzz
# Every libbpf-free module, instrumented, in an archive: each fuzzer links the parsers it drives.
FUZZ_CORE_OBJS := $(patsubst user/%.c,$(OUTPUT)/fuzz/obj/%.o,$(CORE_SRCS))
FUZZ_CORE_LIB := $(OUTPUT)/fuzz/libsloprobe-core.a
FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS := $(patsubst tests/fuzz/%.c,$(OUTPUT)/fuzz/%,$(FUZZ_SRCS))

$(OUTPUT)/fuzz/obj/%.o: user/%.c
	$(call msg,CC-FUZZ,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -MMD -MP -fsanitize=fuzzer-no-link -c $< -o $@

$(FUZZ_CORE_LIB): $(FUZZ_CORE_OBJS)

# Named here, not only in the pattern rule, so make keeps them between runs.
$(FUZZ_BINS): $(FUZZ_CORE_LIB)

$(OUTPUT)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_CORE_LIB)
	$(call msg,LD-FUZZ,$@)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -MMD -MP -MF $@.d -fsanitize=fuzzer $(filter %.c %.a,$^) -lcjson -lyaml -lz -lm -o $@

# FUZZ_SECONDS per target, one after another; `make test` gives each a short run.
fuzz: $(FUZZ_BINS)
	$(Q)tests/fuzz/run.sh $(FUZZ_SECONDS) $(OUTPUT)/fuzz $(FUZZ_BINS)

deps:
	$(Q)scripts/install-deps.sh

# Only the kernel matrix's arm64 guest needs these (qemu for arm64, the cross compiler,
# debootstrap, qemu-user): `make deps` and CI leave them out.
deps-arm64:
	$(Q)scripts/install-deps.sh arm64

unit: $(UNIT_BINS)
	$(Q)tests/unit/run.sh $(UNIT_BINS)

# The syscall program set (--backend syscalls) runs again every test of the request and
# connection path, with the same assertions. Left out, as they do not depend on the program
# set: flag parsing (cli_errors), reading captures (report, report_formats, plan), the
# recorder's file and cgroup handling (record_disk_full, record_container), the exposition
# format (serve_prometheus), and test_tracefs, which runs both sets itself. `make e2e-syscalls`
# runs the whole suite under it.
E2E_SYSCALLS_TESTS := test_accept_queue test_idle_last_request test_ipv6_nginx \
	test_kill9_detaches test_latency_accuracy test_netns_services test_nginx_wrk test_phases \
	test_preexisting_connection test_record_capture test_requests_keepalive \
	test_requests_per_connection test_resets test_serve_metrics test_service_restart \
	test_serving_threads test_stale_state test_two_instances test_retransmits_veth \
	test_report_tail test_http_pipelining test_http_streaming test_http_framing_cases \
	test_websocket test_serve_idle test_http2_h2load

# --backend tracepoints attaches the socket set's own programs through tracefs: the tests of
# each event it carries (reads, sends, arrivals, state changes, resets, retransmits).
E2E_TRACEPOINTS_TESTS := test_requests_keepalive test_requests_per_connection test_nginx_wrk \
	test_phases test_idle_last_request test_preexisting_connection test_netns_services \
	test_resets test_retransmits_veth test_stale_state test_record_capture test_accept_queue

# Where the kernel loads BTF-typed raw tracepoints (tp_btf), as here, the request events run as
# those; SLOPROBE_NO_TP_BTF=1 keeps the plain raw tracepoints other kernels get: the tests of
# the request path again under them.
E2E_NO_TP_BTF_TESTS := test_requests_keepalive test_requests_per_connection test_nginx_wrk \
	test_resets test_preexisting_connection test_phases

# The end-to-end core that tests/kernels/ runs inside each kernel of the matrix, under qemu:
# the program set's choice and refusals (no tracefs among them), request and connection counts (keep-alive and one
# request per connection), accept-queue wait, resets, retransmits over a veth, record and
# report, slow, and --http's framing.
KERNEL_TESTS := test_kernel_support test_tracefs test_requests_keepalive \
	test_requests_per_connection test_accept_queue test_resets test_retransmits_veth \
	test_record_capture test_report test_slow_ring_overflow test_http_framing_cases
# Debian 12's kernels, by flavour; `make test` (and so CI) boots the first. An arm64 flavour
# builds its guest's root filesystem and a cross-built sloprobe into $(OUTPUT)/arm64 first.
KERNEL_MATRIX := cloud-amd64 rt-amd64 cloud-arm64
KERNEL_CI := cloud-amd64
# One line per kernel: `kernel RELEASE ARCH PROGRAM-SET: N passed, M failed` (docs/TESTING.md).
RUN_KERNELS = SLOPROBE_KERNEL_TESTS="$(KERNEL_TESTS)" tests/kernels/run.sh $(OUTPUT)

test-kernels: all $(if $(filter %-arm64,$(KERNEL_MATRIX)),deps-arm64)
	$(Q)$(RUN_KERNELS) $(KERNEL_MATRIX)

test-kernel-ci: all
	$(Q)$(RUN_KERNELS) $(KERNEL_CI)

e2e: all
	$(Q)tests/e2e/run.sh $(OUTPUT)
	$(Q)SLOPROBE_BACKEND=syscalls tests/e2e/run.sh $(OUTPUT) $(E2E_SYSCALLS_TESTS)
	$(Q)SLOPROBE_BACKEND=tracepoints tests/e2e/run.sh $(OUTPUT) $(E2E_TRACEPOINTS_TESTS)
	$(Q)SLOPROBE_NO_TP_BTF=1 tests/e2e/run.sh $(OUTPUT) $(E2E_NO_TP_BTF_TESTS)

e2e-syscalls: all
	$(Q)SLOPROBE_BACKEND=syscalls tests/e2e/run.sh $(OUTPUT)

# About 3 minutes of connection churn with sloprobe attached (RSS flat, table drained, counts
# exact): not part of `make test`, which stays quick.
soak: all
	$(Q)tests/soak/soak.sh $(OUTPUT)

# deploy/ without a cluster: promtool, the dashboard's queries, the DaemonSet's security; then
# the same checks on deliberately broken copies, each of which must fail. The binary is needed
# to check the image's runtime packages against what it links.
check-deploy: $(OUTPUT)/sloprobe
	$(Q)tests/deploy/check.sh . $(OUTPUT)/sloprobe
	$(Q)tests/deploy/mutations.sh $(OUTPUT)/sloprobe

# The fuzzers get a short run here (about 30 s in all); `make fuzz` alone runs them longer.
test: FUZZ_SECONDS = 5
test: all unit fuzz check-deploy
	$(Q)tests/e2e/run.sh $(OUTPUT)
	$(Q)SLOPROBE_BACKEND=syscalls tests/e2e/run.sh $(OUTPUT) $(E2E_SYSCALLS_TESTS)
	$(Q)SLOPROBE_BACKEND=tracepoints tests/e2e/run.sh $(OUTPUT) $(E2E_TRACEPOINTS_TESTS)
	$(Q)SLOPROBE_NO_TP_BTF=1 tests/e2e/run.sh $(OUTPUT) $(E2E_NO_TP_BTF_TESTS)
	$(Q)$(RUN_KERNELS) $(KERNEL_CI)

# The unit and end-to-end tests again, on binaries built with ASan+UBSan into their own folder;
# any memory error, undefined behaviour or leak fails the run.
ASAN_OUTPUT ?= build-asan
test-asan:
	$(Q)$(MAKE) --no-print-directory OUTPUT=$(ASAN_OUTPUT) SANITIZE=1 all unit-bins
	$(Q)tests/sanitizers/run.sh $(ASAN_OUTPUT)

unit-bins: $(UNIT_BINS)

# The long-running commands under valgrind, leaks included; a few minutes.
test-valgrind: all
	$(Q)tests/valgrind/run.sh $(OUTPUT)

demo: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)scripts/demo.sh $(OUTPUT)

# Overhead (nginx and slo-server against the floor, with BPF run time per request and program),
# the building blocks' cost, accuracy, scale, `slow` at an unreachable threshold, the program
# sets and HTTP framing's cost: about half an hour, best
# on a quiet machine.
bench: all
	$(Q)bench/overhead.sh $(OUTPUT)
	$(Q)bench/primitives.sh $(OUTPUT)
	$(Q)bench/cpu_placement.sh $(OUTPUT)
	$(Q)bench/prog_profile.sh $(OUTPUT)
	$(Q)bench/accuracy.sh $(OUTPUT)
	$(Q)bench/scale.sh $(OUTPUT)
	$(Q)bench/slow_overhead.sh $(OUTPUT)
	$(Q)bench/backends.sh $(OUTPUT)
	$(Q)bench/prog_size.sh $(OUTPUT)
	$(Q)bench/http_framing.sh $(OUTPUT)

# 10,000 connections, 500 services, 5,000 new connections/s: about two minutes.
bench-scale: all
	$(Q)bench/scale.sh $(OUTPUT)

# The planner's predictions against measurement (docs/PLANNER.md); a few minutes.
bench-planner: all
	$(Q)bench/planner_validation.sh $(OUTPUT)

TIDY_CHECKS := -*,clang-analyzer-*,bugprone-*,-bugprone-easily-swappable-parameters,\
	-bugprone-reserved-identifier,-bugprone-narrowing-conversions,\
	-clang-analyzer-security.insecureAPI.DeprecatedOrUnsafeBufferHandling

# The skeleton is generated, so warnings are only taken from our own headers.
lint: $(OUTPUT)/sloprobe.skel.h
	$(Q)clang-format --dry-run --Werror user/*/*.c user/*/*.h include/*.h bpf/*.c bpf/*.h \
		planner/*.c planner/*.h tests/unit/*.c tests/tools/*.c tests/fuzz/*.c tests/fuzz/*.h
	$(Q)cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
		--suppress=missingIncludeSystem -Iinclude -Iuser -Iplanner \
		"-DLIBBPF_OPTS(TYPE,NAME,...)=struct TYPE NAME = {0}" -i tests/tools/drop_share.bpf.c \
		user planner tests/tools tests/fuzz
	$(Q)clang-tidy --quiet -checks='$(TIDY_CHECKS)' --warnings-as-errors='*' \
		$(filter-out user/kernel/probe.c,$(wildcard user/*/*.c)) planner/*.c \
		$(filter-out %.bpf.c,$(wildcard tests/tools/*.c)) tests/fuzz/*.c -- \
		$(CFLAGS) 2>&1 | \
		grep -v 'warnings generated' ; test $${PIPESTATUS[0]} -eq 0
	@# bpftool 7.1's generated skeleton leaks on an allocation-failure path: not ours to fix.
	$(Q)clang-tidy --quiet -checks='$(TIDY_CHECKS),-clang-analyzer-unix.Malloc' \
		--warnings-as-errors='*' user/kernel/probe.c -- $(CFLAGS) 2>&1 | \
		grep -v 'warnings generated' ; test $${PIPESTATUS[0]} -eq 0

format:
	$(Q)clang-format -i user/*/*.c user/*/*.h include/*.h bpf/*.c bpf/*.h planner/*.c planner/*.h \
		tests/unit/*.c tests/tools/*.c tests/fuzz/*.c tests/fuzz/*.h

clean:
	$(call msg,CLEAN,$(OUTPUT))
	$(Q)rm -rf $(OUTPUT)

# Header dependencies, written by the compiler (-MMD -MP) beside each object; not in the kernel
# matrix's folder, whose guest root filesystems have folders named *.d.
-include $(shell find $(OUTPUT) -path $(OUTPUT)/kernels -prune -o -name '*.d' -type f -print 2>/dev/null)
