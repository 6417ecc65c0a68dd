# tests/fault: the daemon's library with injected failures (SPEC V2). The
# sweep binary links the server library with -Wl,--wrap for every call
# tests/fault/inject.c can fail; nothing else is built that way. It is one
# of make check's test binaries (and runs under ASan with SANITIZE=1).

FAULT_WRAP := malloc calloc realloc strdup memfd_create mmap open pipe2 eventfd \
              dup dup3 fcntl sendmsg pthread_create
FAULT_BIN  := $(B)/tests/fault/daemon

$(FAULT_BIN): $(B)/obj/tests/fault/daemon.o $(B)/obj/tests/fault/inject.o $(B)/lib/libsecshm-server.a
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) $(foreach f,$(FAULT_WRAP),-Wl,--wrap=$(f)) -o $@ $^ $(TEST_LIBS) -pthread

# tests and check-run expanded TEST_BIN when mk/tests.mk was read.
TEST_BIN += $(FAULT_BIN)
tests: $(FAULT_BIN)
