# secshm.ko: staged into $(B)/kmod in the DKMS source layout (kmod/* plus
# include/uapi/secshm.h and examples/example.h under include/), built with
# Kbuild against Debian's linux-headers for a kernel whose image is in /boot,
# checked with sparse, and tested in a QEMU VM booting that kernel.

# The newest kernel with both an image and headers installed.
ifndef KVER
KVER := $(shell ls /boot 2>/dev/null | sed -n 's/^vmlinuz-//p' | \
	  while read v; do [ -d /lib/modules/$$v/build ] && echo $$v; done | sort -V | tail -n1)
endif
KDIR ?= /lib/modules/$(KVER)/build

KMOD_B     := $(B)/kmod
KMOD_FILES := $(notdir $(wildcard kmod/*.c kmod/*.h)) Kbuild Makefile dkms.conf
KMOD_STAGE := $(addprefix $(KMOD_B)/,$(KMOD_FILES)) \
              $(KMOD_B)/include/uapi/secshm.h $(KMOD_B)/include/example.h
KMOD_KO    := $(KMOD_B)/secshm.ko $(KMOD_B)/secshm_checksum.ko
VM_SMOKE   := $(B)/tests/vm/smoke
# Tests named *_socket exercise what only the socket has (descriptors on
# the wire, the daemon's process, rings).
VM_TESTS   := $(VM_SMOKE) $(filter-out %_socket,$(API_BIN) $(ATTACK_BIN))

$(KMOD_B)/%: kmod/%
	@mkdir -p $(@D)
	cp $< $@
$(KMOD_B)/include/uapi/secshm.h: include/uapi/secshm.h
	@mkdir -p $(@D)
	cp $< $@
$(KMOD_B)/include/example.h: examples/example.h
	@mkdir -p $(@D)
	cp $< $@

kmod-kdir:
	@test -n "$(KVER)" -a -d "$(KDIR)" || { echo "kmod: no kernel headers with a matching /boot/vmlinuz-*;" \
		"install linux-image-amd64 linux-headers-amd64" >&2; exit 1; }

$(KMOD_KO) &: $(KMOD_STAGE) | kmod-kdir
	$(MAKE) -C $(KDIR) M=$(abspath $(KMOD_B)) modules

kmod: $(KMOD_KO)

# sparse over every file of the module (after the build, so the two Kbuild
# runs never share the directory); any warning from kmod/ fails.
kmod-sparse: $(KMOD_KO)
	+tests/vm/sparse.sh $(KDIR) $(abspath $(KMOD_B))

$(B)/tests/vm/%: tests/vm/%.c include/uapi/secshm.h examples/example.h $(B)/lib/libsecshm.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Iexamples $(LDFLAGS) -o $@ $< $(B)/lib/libsecshm.a $(TEST_LIBS)

# Boot the kernel under QEMU, load the modules, run the smoke test and the
# tests/api and tests/attack binaries against /dev/secshm, unload.
vm-check: $(KMOD_KO) kmod-sparse $(VM_TESTS) $(B)/bin/secshm
	tests/vm/run.sh $(KVER) $(KMOD_B) $(VM_TESTS)

.PHONY: kmod kmod-kdir kmod-sparse vm-check

# make check boots the VM too (the sanitizer build checks the host side only:
# its binaries are the same tests, and the module is not built with them).
ifneq ($(SANITIZE),1)
CHECK_EXTRA += set -e; $(MAKE) --no-print-directory vm-check;
endif
