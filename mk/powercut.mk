# make vm-powercut (SPEC S1): tests/vm/powercut.sh boots Debian's kernel
# twice on an ext4 disk image with a reset between, against both the module
# and secshmd started in the VM. Part of make check (not the sanitizer
# build: the VM runs the plain binaries).

POWERCUT_BIN := $(B)/tests/vm/powercut

$(POWERCUT_BIN): tests/vm/powercut.c include/secshm.h $(B)/lib/libsecshm.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(B)/lib/libsecshm.a

vm-powercut: $(KMOD_KO) $(POWERCUT_BIN) $(B)/bin/secshmd
	tests/vm/powercut.sh /boot/vmlinuz-$(KVER) /lib/modules/$(KVER) $(KMOD_B) \
		$(POWERCUT_BIN) $(B)/bin/secshmd

.PHONY: vm-powercut

ifneq ($(SANITIZE),1)
CHECK_EXTRA += set -e; $(MAKE) --no-print-directory vm-powercut;
endif
