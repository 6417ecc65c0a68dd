# secshm: non-recursive GNU make. `make` builds into build/, `make check`
# runs every test, `make demo` runs the demo. See README.md.

.DEFAULT_GOAL := all
B        := build
CC       ?= cc
PREFIX   ?= /usr/local
SANITIZE ?=

WARN   := -Wall -Wextra -Wshadow -Wpointer-arith -Wstrict-prototypes \
          -Wmissing-prototypes -Wformat=2 -Wundef -Wvla -Wcast-qual \
          -Wno-unused-parameter -Wno-missing-field-initializers
CFLAGS ?= -O2 -g
CFLAGS += -std=gnu11 -fPIC -fno-strict-aliasing -D_GNU_SOURCE $(WARN) -Iinclude -Isrc/core
LDLIBS  :=

# `make check SANITIZE=1`: everything built with ASan and UBSan into
# build/sanitize (the test harness finds secshmd next to the test binaries)
# and the whole suite run there. Every process the suite starts, secshmd
# included, inherits the options below: an ASan error, a leak at exit or any
# UBSan report aborts it, which fails the test binary (the harness fails a
# daemon that exits on a signal other than SIGTERM or with a non-zero status).
ifeq ($(SANITIZE),1)
B       := build/sanitize
CFLAGS  += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=address,undefined
export ASAN_OPTIONS  ?= detect_leaks=1:abort_on_error=1:halt_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1
export UBSAN_OPTIONS ?= halt_on_error=1:abort_on_error=1:print_stacktrace=1
endif

CLIENT_SRC := $(sort $(wildcard src/client/*.c))
# The security core (src/core) is compiled into the server library here
# and into secshm.ko by Kbuild (mk/kmod.mk).
SERVER_SRC := $(sort $(wildcard src/core/*.c src/server/*.c))
CLIENT_OBJ := $(CLIENT_SRC:%.c=$(B)/obj/%.o)
SERVER_OBJ := $(SERVER_SRC:%.c=$(B)/obj/%.o)

LIBS := $(B)/lib/libsecshm.so $(B)/lib/libsecshm.a \
        $(B)/lib/libsecshm-server.so $(B)/lib/libsecshm-server.a
BINS := $(B)/bin/secshmd $(B)/bin/secshm $(B)/bin/secshm-example-server \
        $(B)/bin/secshm-example-client

all: $(LIBS) $(BINS)

$(B)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(CPPFLAGS) -MMD -MP -c -o $@ $<

$(B)/lib/libsecshm.a: $(CLIENT_OBJ)
	@mkdir -p $(@D)
	$(AR) rcs $@ $^
$(B)/lib/libsecshm-server.a: $(SERVER_OBJ)
	@mkdir -p $(@D)
	$(AR) rcs $@ $^
$(B)/lib/libsecshm.so: $(CLIENT_OBJ)
	@mkdir -p $(@D)
	$(CC) -shared -Wl,-soname,libsecshm.so.1 $(LDFLAGS) -o $@ $^
$(B)/lib/libsecshm-server.so: $(SERVER_OBJ)
	@mkdir -p $(@D)
	$(CC) -shared -Wl,-soname,libsecshm-server.so.1 $(LDFLAGS) -o $@ $^

# Programs link the static libraries so they run from the tree.
$(B)/bin/secshmd: $(B)/obj/src/daemon/secshmd.o $(B)/lib/libsecshm-server.a
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)
# A client: `secshm daemon` runs secshmd, so no server code is linked here.
$(B)/bin/secshm: $(patsubst %.c,$(B)/obj/%.o,$(wildcard tools/*.c)) $(B)/lib/libsecshm.a
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)
$(B)/bin/secshm-example-server: $(B)/obj/examples/checksum-server.o $(B)/lib/libsecshm-server.a
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)
$(B)/bin/secshm-example-client: $(B)/obj/examples/checksum-client.o $(B)/lib/libsecshm.a
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

include mk/tests.mk
include mk/fault.mk
include mk/install.mk
include mk/fuzz.mk
include mk/bench.mk
include mk/kmod.mk
include mk/debug-kernel.mk
include mk/powercut.mk

demo: all
	scripts/demo.sh $(B)

clean:
	rm -rf build

.PHONY: all demo clean check deps
-include $(shell find $(B)/obj -name '*.d' 2>/dev/null)
