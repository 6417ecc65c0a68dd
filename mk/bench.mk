# make bench: build bench/ (one program, -O2) and run it once: every SPEC
# speed row (B1-B5) and its baseline in one process tree, a table of medians
# with spreads and ratios on stdout, and $(BENCH_OUT)/results.json and
# results.png (gnuplot, Debian's gnuplot-nox). Not part of `make` or `make
# check`: timings are reported, never asserted. BENCH_ARGS passes options
# (--reps N, --quick, --only B2; see secshm-bench --help).

BENCH_SRC  := $(sort $(wildcard bench/*.c))
BENCH_OBJ  := $(BENCH_SRC:%.c=$(B)/obj/%.o)
BENCH_BIN  := $(B)/bin/secshm-bench
BENCH_OUT  ?= $(B)/bench
BENCH_ARGS ?=

$(BENCH_OBJ): CFLAGS += -O2 -pthread

$(BENCH_BIN): $(BENCH_OBJ) $(B)/lib/libsecshm.a $(B)/lib/libsecshm-server.a
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -pthread -o $@ $^ $(LDLIBS) -lm

bench-build: $(BENCH_BIN) $(B)/bin/secshmd

bench: bench-build
	@scripts/deps.sh || echo "bench: going on without them (no PNG without gnuplot)"
	$(BENCH_BIN) --out $(BENCH_OUT) --secshmd $(B)/bin/secshmd $(BENCH_ARGS)

.PHONY: bench bench-build
