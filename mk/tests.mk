# Tests: cmocka binaries, one per file. tests/unit link the server library
# directly; tests/api and tests/attack drive a server through libsecshm from
# separate processes (tests/common starts secshmd unless SECSHM_ADDRESS is
# set, which is how tests/vm points them at /dev/secshm).

TEST_LIBS       := -lcmocka
TEST_COMMON_OBJ := $(patsubst %.c,$(B)/obj/%.o,$(sort $(wildcard tests/common/*.c)))
UNIT_BIN   := $(patsubst tests/unit/%.c,$(B)/tests/unit/%,$(sort $(wildcard tests/unit/*.c)))
API_BIN    := $(patsubst tests/api/%.c,$(B)/tests/api/%,$(sort $(wildcard tests/api/*.c)))
ATTACK_BIN := $(patsubst tests/attack/%.c,$(B)/tests/attack/%,$(sort $(wildcard tests/attack/*.c)))
TEST_BIN   := $(UNIT_BIN) $(API_BIN) $(ATTACK_BIN)

$(B)/tests/unit/%: $(B)/obj/tests/unit/%.o $(TEST_COMMON_OBJ) $(B)/lib/libsecshm-server.a $(B)/lib/libsecshm.a
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(TEST_LIBS)
$(B)/tests/api/%: $(B)/obj/tests/api/%.o $(TEST_COMMON_OBJ) $(B)/lib/libsecshm.a $(B)/lib/libsecshm-server.a
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(TEST_LIBS)
$(B)/tests/attack/%: $(B)/obj/tests/attack/%.o $(TEST_COMMON_OBJ) $(B)/lib/libsecshm.a $(B)/lib/libsecshm-server.a
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(TEST_LIBS)

tests: all $(TEST_BIN)

# `make check` first installs what is missing (as root), then builds and runs.
check:
	scripts/deps.sh
	$(MAKE) --no-print-directory check-run

check-run: tests $(CHECK_EXTRA_DEPS)
	scripts/run-tests.sh $(B) $(TEST_BIN)
	$(CHECK_EXTRA)

.PHONY: tests check-run

# Keep test objects between runs.
.SECONDARY:
