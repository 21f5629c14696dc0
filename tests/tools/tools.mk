# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# tests/tools/tools.mk: builds the slo-server and slo-load test tools into $(OUTPUT).
# Included by the top-level Makefile; also usable alone with make -f tests/tools/tools.mk.

SLO_TOOLS_DIR := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
# only the first makefile read may pick the default goal
_slo_tools_standalone := $(filter 1,$(words $(MAKEFILE_LIST)))
_slo_tools_prev_goal := $(.DEFAULT_GOAL)

OUTPUT ?= .output
CFLAGS ?= -Wall -Wextra -Werror -O2 -g

SLO_TOOLS := $(OUTPUT)/slo-server $(OUTPUT)/slo-load $(OUTPUT)/drop_share.bpf.o
# What both tools share (HTTP/1.x head parsing, the command-line loop); compiled into each, as
# there is no library to link
SLO_TOOLS_SHARED_SRCS := $(SLO_TOOLS_DIR)/http1.c $(SLO_TOOLS_DIR)/tool_args.c
SLO_TOOLS_SHARED := $(SLO_TOOLS_SHARED_SRCS) $(SLO_TOOLS_DIR)/http1.h $(SLO_TOOLS_DIR)/tool_args.h

.PHONY: slo-tools
slo-tools: $(SLO_TOOLS)

$(OUTPUT)/slo-server: $(SLO_TOOLS_DIR)/slo-server.c $(SLO_TOOLS_SHARED) $(SLO_TOOLS_DIR)/tools.mk
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $< $(SLO_TOOLS_SHARED_SRCS) -lpthread -lm

$(OUTPUT)/slo-load: $(SLO_TOOLS_DIR)/slo-load.c $(SLO_TOOLS_SHARED) $(SLO_TOOLS_DIR)/tools.mk
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $< $(SLO_TOOLS_SHARED_SRCS) -lpthread -lm

# A tc program the retransmit test attaches to a veth of its own to drop data segments.
$(OUTPUT)/drop_share.bpf.o: $(SLO_TOOLS_DIR)/drop_share.bpf.c $(SLO_TOOLS_DIR)/tools.mk
	@mkdir -p $(@D)
	clang -g -O2 -target bpf -Wall -Werror -I/usr/include/$(shell uname -m)-linux-gnu \
		-c $< -o $@

ifeq ($(_slo_tools_standalone),1)
.DEFAULT_GOAL := slo-tools
else
.DEFAULT_GOAL := $(_slo_tools_prev_goal)
endif
