# make check-kernel (SPEC V1): the VM suite of make vm-check under a debug
# kernel (KASAN, UBSAN, lockdep, kmemleak, DEBUG_VM, DEBUG_OBJECTS, fault
# injection, KCOV) built once per machine from Debian's linux-source-6.1 by
# scripts/debug-kernel.sh and cached outside the tree. The modules are built
# and sparse-checked against that tree in $(B)/kmod-debug. Not part of make
# check (the first kernel build takes long); .ci/run runs it after.

DEBUG_KMOD_B := $(B)/kmod-debug
# Expanded when used, after debug-kernel has made it.
DEBUG_KDIR    = $(shell scripts/debug-kernel.sh --dir)

debug-kernel:
	SECSHM_DEPS_EXTRA="$$(grep -v '^#' scripts/deps-kernel.txt | tr '\n' ' ')" scripts/deps.sh
	scripts/debug-kernel.sh >/dev/null

check-kernel: debug-kernel $(VM_TESTS) $(B)/bin/secshm
	$(MAKE) --no-print-directory kmod-sparse KVER=debug KDIR=$(DEBUG_KDIR) KMOD_B=$(DEBUG_KMOD_B)
	tests/vm/check-kernel.sh $(B)/check-kernel.log $(DEBUG_KDIR) $(DEBUG_KMOD_B) $(VM_TESTS)

.PHONY: debug-kernel check-kernel
