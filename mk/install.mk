# make install PREFIX=/usr/local [DESTDIR=…]: libraries, headers, pkg-config
# files, secshmd and the secshm command, the systemd unit, and the kernel
# module's sources where DKMS looks for them.

DESTDIR ?=
P := $(DESTDIR)$(PREFIX)
SUBST = sed 's|@PREFIX@|$(PREFIX)|g'
DKMS_SRC := $(DESTDIR)/usr/src/secshm-0.1

install: all $(KMOD_STAGE)
	install -d $(P)/lib/pkgconfig $(P)/include/uapi $(P)/bin $(P)/sbin \
		$(P)/lib/systemd/system $(P)/share/doc/secshm
	install -m 0644 $(B)/lib/libsecshm.a $(B)/lib/libsecshm-server.a $(P)/lib/
	install -m 0755 $(B)/lib/libsecshm.so $(P)/lib/libsecshm.so.1
	install -m 0755 $(B)/lib/libsecshm-server.so $(P)/lib/libsecshm-server.so.1
	ln -sf libsecshm.so.1 $(P)/lib/libsecshm.so
	ln -sf libsecshm-server.so.1 $(P)/lib/libsecshm-server.so
	install -m 0644 include/secshm.h include/secshm-server.h include/secshm-walk.h $(P)/include/
	install -m 0644 include/uapi/secshm.h $(P)/include/uapi/
	$(SUBST) data/secshm.pc.in > $(P)/lib/pkgconfig/secshm.pc
	$(SUBST) data/secshm-server.pc.in > $(P)/lib/pkgconfig/secshm-server.pc
	install -m 0755 $(B)/bin/secshm $(P)/bin/
	install -m 0755 $(B)/bin/secshmd $(P)/sbin/
	$(SUBST) data/secshmd.service.in > $(P)/lib/systemd/system/secshmd.service
	install -m 0644 README.md docs/protocol.md $(P)/share/doc/secshm/
	install -d $(DKMS_SRC)/core $(DKMS_SRC)/include/uapi
	install -m 0644 $(addprefix $(KMOD_B)/,$(KMOD_FILES)) $(DKMS_SRC)/
	install -m 0644 $(addprefix $(KMOD_B)/core/,$(KMOD_CORE)) $(DKMS_SRC)/core/
	install -m 0644 $(KMOD_B)/include/uapi/secshm.h $(DKMS_SRC)/include/uapi/
	install -m 0644 $(addprefix $(KMOD_B)/include/,secshm-walk.h example.h example_server.h) \
		$(DKMS_SRC)/include/

.PHONY: install
