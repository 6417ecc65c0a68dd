# Fuzzing: every fuzz/<target>.c is a libFuzzer target, built with clang
# (-fsanitize=fuzzer,address,undefined) into build/fuzz/bin/<target> against
# the server sources compiled the same way (never the normal build's
# objects). Seeds live in fuzz/corpus/<target>/ and are copied into
# build/fuzz/corpus/<target>/, the working corpus libFuzzer grows, so the
# repository's seeds are never modified. Inputs that once found a bug live
# in fuzz/regressions/<target>/ and are replayed, each once, before fuzzing.
#
#   make fuzz [FUZZ_TIME=60]   run every target for FUZZ_TIME seconds each
#   make fuzz-check            the regressions, then a short bounded run of
#                              each target (part of make check)
#   make fuzz-regress          the regressions alone
#   make fuzz-seeds            regenerate fuzz/corpus/*/ (then commit them)
#
# Needs clang and libclang-rt-14-dev (scripts/deps-extra.txt).

FUZZ_B          := build/fuzz
FUZZ_CC         ?= clang
FUZZ_TIME       ?= 60
FUZZ_CHECK_TIME ?= 10
FUZZ_CHECK_RUNS ?= 2000000
FUZZ_SAN        := -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_CFLAGS     := -O1 -g -fno-omit-frame-pointer -std=gnu11 -fno-strict-aliasing \
                   -D_GNU_SOURCE $(WARN) -Iinclude $(FUZZ_SAN)
FUZZ_TARGETS    := $(patsubst fuzz/%.c,%,$(sort $(wildcard fuzz/*.c)))
FUZZ_BIN        := $(FUZZ_TARGETS:%=$(FUZZ_B)/bin/%)
FUZZ_SERVER_OBJ := $(SERVER_SRC:%.c=$(FUZZ_B)/obj/%.o)

# Library code gets coverage instrumentation only; the target gets the driver.
$(FUZZ_B)/obj/src/%.o: src/%.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c -o $@ $<
$(FUZZ_B)/obj/fuzz/%.o: fuzz/%.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c -o $@ $<
$(FUZZ_B)/bin/%: $(FUZZ_B)/obj/fuzz/%.o $(FUZZ_SERVER_OBJ)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $^

fuzz-build: $(FUZZ_BIN)

fuzz: $(FUZZ_BIN)
	fuzz/run.sh $(FUZZ_B) $(FUZZ_TIME) 0 $(FUZZ_TARGETS)

fuzz-check: fuzz-regress
	fuzz/run.sh $(FUZZ_B) $(FUZZ_CHECK_TIME) $(FUZZ_CHECK_RUNS) $(FUZZ_TARGETS)

# libFuzzer runs each file it is given once; the sanitizer options are run.sh's.
fuzz-regress: $(FUZZ_BIN)
	@mkdir -p $(FUZZ_B)/log
	@for d in $(sort $(wildcard fuzz/regressions/*/)); do \
		t=$$(basename $$d) log=$(FUZZ_B)/log/regress-$$(basename $$d).log; \
		if ASAN_OPTIONS="$${ASAN_OPTIONS:+$$ASAN_OPTIONS:}detect_leaks=1" \
		   UBSAN_OPTIONS="$${UBSAN_OPTIONS:+$$UBSAN_OPTIONS:}halt_on_error=1:print_stacktrace=1" \
		   $(FUZZ_B)/bin/$$t $$d* >$$log 2>&1; then \
			echo "fuzz $$t: regressions ok ($$(ls $$d | wc -l) inputs)"; \
		else \
			echo "---- $$log (tail)"; tail -n 80 $$log; \
			echo "fuzz $$t: regression FAILED"; exit 1; \
		fi; \
	done

# The seed generator runs once; its output is committed.
$(FUZZ_B)/mkseeds: fuzz/tools/mkseeds.c include/uapi/secshm.h
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -D_GNU_SOURCE -Wall -Wextra -Iinclude -o $@ $<
$(FUZZ_B)/state-seeds: fuzz/tools/state-seeds.c fuzz/state.h
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -D_GNU_SOURCE -Wall -Wextra -o $@ $<
fuzz-seeds: $(FUZZ_B)/mkseeds $(FUZZ_B)/state-seeds
	for t in request walk; do mkdir -p fuzz/corpus/$$t && rm -f fuzz/corpus/$$t/* && \
		$(FUZZ_B)/mkseeds $$t fuzz/corpus/$$t || exit 1; done
	mkdir -p fuzz/corpus/state && rm -f fuzz/corpus/state/* && \
		$(FUZZ_B)/state-seeds fuzz/corpus/state

# check-run runs $(CHECK_EXTRA) as one shell line: each entry is a command
# ending in ';', and set -e makes a failure here (or in a later entry) fail it.
# (check-run's prerequisite list was expanded when mk/tests.mk was read, so
# the binaries are named as prerequisites directly as well.)
CHECK_EXTRA_DEPS += $(FUZZ_BIN)
CHECK_EXTRA      += set -e; $(MAKE) --no-print-directory fuzz-check;
check-run: $(FUZZ_BIN)

.PHONY: fuzz fuzz-build fuzz-check fuzz-regress fuzz-seeds
-include $(shell find $(FUZZ_B)/obj -name '*.d' 2>/dev/null)
