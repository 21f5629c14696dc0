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
.PHONY: all deps test unit fuzz e2e e2e-syscalls soak check-deploy demo bench bench-scale bench-planner clean lint format \
	test-asan test-valgrind unit-bins

# conn.bpf.c defines the shared maps: bpftool 7.1's linker wants the definition before any
# object that only declares them extern.
BPF_SRCS := bpf/conn.bpf.c $(filter-out bpf/conn.bpf.c,$(wildcard bpf/*.bpf.c))
BPF_OBJS := $(patsubst bpf/%.bpf.c,$(OUTPUT)/bpf/%.bpf.o,$(BPF_SRCS))
BPF_HDRS := $(wildcard bpf/*.h) $(wildcard include/*.h)
BPF_CFLAGS := -g -O2 -target bpf -mcpu=v3 -D__TARGET_ARCH_$(ARCH) -Wall -Wextra -Werror \
	-Wno-unused-parameter -Ivmlinux/$(ARCH) -Iinclude

CFLAGS ?= -O2 -g
# SANITIZE=1 instruments userspace only (the BPF objects never see CFLAGS); used by test-asan.
ifeq ($(SANITIZE),1)
CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
endif
CFLAGS += -Wall -Wextra -Werror -std=gnu11 -D_GNU_SOURCE -Iinclude -Iuser -Iplanner -I$(OUTPUT)
LDLIBS_SLOPROBE := -lbpf -lelf -lz -lcjson -lmicrohttpd -lpthread -lm

# Modules free of libbpf, linked into the unit tests too; only probe.c talks to the skeleton.
LIB_SRCS := user/histogram.c user/window.c user/snapshot.c user/options.c user/top_options.c \
	user/format.c user/top_json.c user/top_table.c user/labels.c user/socket_owners.c \
	user/listeners.c user/proc_net_tcp.c user/capture.c user/proc_usage.c user/capture_reader.c \
	user/json_input.c user/slo_file.c user/projection_file.c user/sparse_hist.c \
	user/report_model.c user/report_write.c user/plan_model.c user/plan_compute.c \
	user/plan_write.c user/plan_k8s.c user/plan_html.c user/report_input.c \
	user/report_html.c user/svg_chart.c user/container.c user/cgroup_usage.c \
	user/text_file.c user/metrics.c user/metrics_text.c user/listen_address.c \
	user/report_options.c user/plan_options.c user/capture_fields.c \
	user/tail_request.c user/report_tail.c user/report_tail_write.c user/tail_keeper.c \
	user/slow_options.c user/slow_format.c user/tcp_sockets.c user/netstat.c \
	user/conns_options.c user/conns_output.c
BIN_SRCS := user/main.c user/sampler.c user/top.c user/record.c user/report_cmd.c user/probe.c \
	user/privilege.c user/serve.c user/metrics_http.c user/plan_cmd.c user/slow.c \
	user/netns.c user/conns.c user/tracefs.c
LIB_OBJS := $(patsubst user/%.c,$(OUTPUT)/user/%.o,$(LIB_SRCS))
BIN_OBJS := $(patsubst user/%.c,$(OUTPUT)/user/%.o,$(BIN_SRCS))
# The capacity planner's models: pure math, linked into the binary and the unit tests.
PLANNER_SRCS := $(wildcard planner/*.c)
PLANNER_OBJS := $(patsubst planner/%.c,$(OUTPUT)/planner/%.o,$(PLANNER_SRCS))

UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(OUTPUT)/tests/%,$(UNIT_SRCS))

all: $(OUTPUT)/sloprobe $(OUTPUT)/slo-server $(OUTPUT)/slo-load $(OUTPUT)/drop_share.bpf.o

$(OUTPUT)/bpf/%.bpf.o: bpf/%.bpf.c $(BPF_HDRS)
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

$(OUTPUT)/user/%.o: user/%.c $(wildcard user/*.h) $(wildcard include/*.h)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(OUTPUT)/planner/%.o: planner/%.c $(wildcard planner/*.h)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(OUTPUT)/user/probe.o: $(OUTPUT)/sloprobe.skel.h

$(OUTPUT)/sloprobe: $(LIB_OBJS) $(PLANNER_OBJS) $(BIN_OBJS)
	$(call msg,LD,$@)
	$(Q)$(CC) $(CFLAGS) $^ $(LDLIBS_SLOPROBE) -o $@

include tests/tools/tools.mk

$(OUTPUT)/tests/test_%: tests/unit/test_%.c $(LIB_OBJS) $(PLANNER_OBJS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $^ -lcmocka -lcjson -lz -lm -o $@

# libFuzzer targets over the parsers of untrusted input, built with clang whatever CC is: the
# parsers instrumented for coverage and sanitizers, cJSON and zlib as the system ships them.
FUZZ_SECONDS ?= 20
FUZZ_CFLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
	-fno-sanitize-recover=all -Wall -Wextra -Werror -std=gnu11 -D_GNU_SOURCE -Iinclude -Iuser \
	-Iplanner -Itests/fuzz
FUZZ_LIB_SRCS := user/capture_reader.c user/capture_fields.c user/tail_request.c \
	user/json_input.c user/slo_file.c user/projection_file.c \
	user/top_options.c user/options.c user/listen_address.c user/report_options.c \
	user/plan_options.c user/conns_options.c user/netstat.c
FUZZ_LIB_OBJS := $(patsubst user/%.c,$(OUTPUT)/fuzz/obj/%.o,$(FUZZ_LIB_SRCS))
FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS := $(patsubst tests/fuzz/%.c,$(OUTPUT)/fuzz/%,$(FUZZ_SRCS))

$(OUTPUT)/fuzz/obj/%.o: user/%.c $(wildcard user/*.h) $(wildcard include/*.h)
	$(call msg,CC-FUZZ,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

# Named here, not only in the pattern rule, so make keeps them between runs.
$(FUZZ_BINS): $(FUZZ_LIB_OBJS)

$(OUTPUT)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_input.h $(FUZZ_LIB_OBJS)
	$(call msg,LD-FUZZ,$@)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -fsanitize=fuzzer $< $(FUZZ_LIB_OBJS) -lcjson -lz -lm -o $@

# FUZZ_SECONDS per target, one after another; `make test` gives each a short run.
fuzz: $(FUZZ_BINS)
	$(Q)tests/fuzz/run.sh $(FUZZ_SECONDS) $(OUTPUT)/fuzz $(FUZZ_BINS)

deps:
	$(Q)scripts/install-deps.sh

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
	test_report_tail

# --backend tracepoints attaches the socket set's own programs through tracefs: the tests of
# each event it carries (reads, sends, arrivals, state changes, resets, retransmits).
E2E_TRACEPOINTS_TESTS := test_requests_keepalive test_requests_per_connection test_nginx_wrk \
	test_phases test_idle_last_request test_preexisting_connection test_netns_services \
	test_resets test_retransmits_veth test_stale_state test_record_capture test_accept_queue

e2e: all
	$(Q)tests/e2e/run.sh $(OUTPUT)
	$(Q)SLOPROBE_BACKEND=syscalls tests/e2e/run.sh $(OUTPUT) $(E2E_SYSCALLS_TESTS)
	$(Q)SLOPROBE_BACKEND=tracepoints tests/e2e/run.sh $(OUTPUT) $(E2E_TRACEPOINTS_TESTS)

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

# Overhead (nginx and slo-server, with BPF run time per request), accuracy, scale, `slow` at an
# unreachable threshold, and the program sets: about fifteen minutes, best on a quiet machine.
bench: all
	$(Q)bench/overhead.sh $(OUTPUT)
	$(Q)bench/accuracy.sh $(OUTPUT)
	$(Q)bench/scale.sh $(OUTPUT)
	$(Q)bench/slow_overhead.sh $(OUTPUT)
	$(Q)bench/backends.sh $(OUTPUT)

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
	$(Q)clang-format --dry-run --Werror user/*.c user/*.h include/*.h bpf/*.c bpf/*.h \
		planner/*.c planner/*.h tests/unit/*.c tests/tools/*.c tests/fuzz/*.c tests/fuzz/*.h
	$(Q)cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
		--suppress=missingIncludeSystem -Iinclude -Iuser -Iplanner \
		"-DLIBBPF_OPTS(TYPE,NAME,...)=struct TYPE NAME = {0}" -i tests/tools/drop_share.bpf.c \
		user planner tests/tools tests/fuzz
	$(Q)clang-tidy --quiet -checks='$(TIDY_CHECKS)' --warnings-as-errors='*' \
		$(filter-out user/probe.c,$(wildcard user/*.c)) planner/*.c \
		$(filter-out %.bpf.c,$(wildcard tests/tools/*.c)) tests/fuzz/*.c -- \
		$(CFLAGS) 2>&1 | \
		grep -v 'warnings generated' ; test $${PIPESTATUS[0]} -eq 0
	@# bpftool 7.1's generated skeleton leaks on an allocation-failure path: not ours to fix.
	$(Q)clang-tidy --quiet -checks='$(TIDY_CHECKS),-clang-analyzer-unix.Malloc' \
		--warnings-as-errors='*' user/probe.c -- $(CFLAGS) 2>&1 | \
		grep -v 'warnings generated' ; test $${PIPESTATUS[0]} -eq 0

format:
	$(Q)clang-format -i user/*.c user/*.h include/*.h bpf/*.c bpf/*.h planner/*.c planner/*.h \
		tests/unit/*.c tests/tools/*.c tests/fuzz/*.c tests/fuzz/*.h

clean:
	$(call msg,CLEAN,$(OUTPUT))
	$(Q)rm -rf $(OUTPUT)
