SHELL := /bin/bash
# bouncesign — build, test, install. `make demo` and `make test` install the
# Debian packages they need first (run as root on a fresh machine).

PREFIX  ?= /usr/local
DESTDIR ?=
BINDIR  ?= $(PREFIX)/bin
MANDIR  ?= $(PREFIX)/share/man
DOCDIR  ?= $(PREFIX)/share/doc/bouncesign
SYSCONFDIR ?= /etc
SBINDIR ?= $(PREFIX)/sbin
SWIFT   ?= swift
# Release build. -static-stdlib: no Swift runtime to install. The rest is
# start-up time (make bench, figure 1): every function in a section of its
# own, so that gold places those an ordinary check runs side by side
# (scripts/startup-order.txt, written by make startup-order) and the kernel
# maps them in with a few page faults; no symbols exported (nothing looks
# ours up, and exporting 1,900 had the dynamic linker read their tables at
# every start); type metadata reached through accessors, not by
# demangling type names at run time; values copied and destroyed by code
# made for their type, not through its metadata, which had the runtime build
# the metadata of Array and Optional types at their first copy
# (-disable-type-layout); and the runtime's caches of generic metadata
# allocated when first used, on pages already touched, rather than spread
# over .bss.
#
# The Swift runtime is C++, and with it libstdc++ and libgcc are linked in
# too (LINKFLAGS): loading libstdc++.so and binding its symbols took 0.7 ms of
# every start, libgcc_s.so 0.15 ms, more than all of bouncecheck's own work on
# an ordinary message. The runtime's link file asks for -lstdc++; the linker
# script $(STATIC_CXX)/libstdc++.so, searched first, answers with the archive.
STATIC_CXX = $(CURDIR)/.build/static-cxx
# The toolchain's clang (it links the programs), else one on the PATH.
CLANG ?= $(firstword $(wildcard $(dir $(realpath $(shell command -v $(SWIFT))))clang) $(shell command -v clang cc))
LINKFLAGS = -L$(STATIC_CXX) -Xclang-linker -static-libgcc
SWIFTFLAGS ?= -c release -Xswiftc -static-stdlib --disable-local-rpath \
  $(addprefix -Xswiftc ,$(LINKFLAGS)) \
  -Xswiftc -Xfrontend -Xswiftc -function-sections \
  -Xswiftc -Xfrontend -Xswiftc -disable-concrete-type-metadata-mangled-name-accessors \
  -Xswiftc -Xfrontend -Xswiftc -disable-type-layout \
  -Xswiftc -Xfrontend -Xswiftc -disable-preallocated-instantiation-caches \
  -Xlinker --section-ordering-file=$(CURDIR)/scripts/startup-order.txt -Xlinker --no-export-dynamic
SECONDS ?= 60

# Build and run-time needs; no MTA (procmail would pull one in as a
# recommendation, hence --no-install-recommends).
DEBS = libgpgme-dev libgcrypt20-dev libmilter-dev miltertest libopendkim-dev gnupg gpg-agent procmail mandoc python3-dkim python3-nacl
BIN  = $(shell $(SWIFT) build $(SWIFTFLAGS) --show-bin-path 2>/dev/null)
# make deb: what it needs beyond DEBS, and the package it writes.
DEB_DEBS ?= dpkg-dev
VERSION = $(shell sed -n 's/.*static let string = "\(.*\)".*/\1/p' Sources/BounceKit/Version.swift)
DEB  = dist/bouncesign_$(VERSION)_$(shell dpkg --print-architecture).deb

.PHONY: FORCE all build deps test check demo bench fuzz fuzz-smoke startup-order install uninstall deb clean

all: build

deps:
	@missing=$$(for p in $(DEBS); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing: $$missing"; \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing; \
	fi

build: deps $(STATIC_CXX)
	$(SWIFT) build $(SWIFTFLAGS)

# Written anew each time: the archive's path moves with the GCC version.
$(STATIC_CXX): FORCE
	@a=$$($(CLANG) -print-file-name=libstdc++.a); case $$a in /*) ;; \
	  *) echo "libstdc++.a not found (asked '$(CLANG)'): install the libstdc++ development package Swift needs (Debian 12: libstdc++-12-dev)" >&2; exit 1;; esac; \
	mkdir -p $@ && echo "INPUT($$a)" > $@/libstdc++.so
FORCE:

test: deps
	$(SWIFT) build
	$(SWIFT) test 2>&1 | tee .build/test.log; exit $${PIPESTATUS[0]}
	Tests/mta/real-bounces .build/debug
	Tests/mta/dkim-bounces .build/debug
	Tests/mta/outbound .build/debug
	Tests/mda/recipes .build/debug
	Tests/mta/milter .build/debug
	Tests/mta/milter-mta .build/debug
	Tests/dkim/dkim-order .build/debug
	$(MAKE) --no-print-directory fuzz-smoke
	$(MAKE) --no-print-directory deb DEB_DEBS="dpkg-dev lintian" && Tests/pkg/deb-test $(DEB)
	mandoc -Tlint -Wwarning man/*.1 man/*.5 man/*.8

check: test
	$(SWIFT) format lint --strict -r Sources Tests/BounceKitTests Tests/EndToEndTests
	mandoc -Tlint -Wwarning man/*.1 man/*.5 man/*.8

demo: build
	BIN=$(BIN) sh scripts/demo.sh

bench: build
	BIN=$(BIN) LINKFLAGS="$(LINKFLAGS)" sh scripts/bench.sh

# make fuzz SECONDS=600: the oracle targets (fuzz/), unsanitised and under
# ASan side by side; prints executions a second and the oracle counts.
fuzz: deps
	sh scripts/fuzz.sh $(SECONDS)

# Proves the fuzz targets build and their oracles fire (a broken leaf check
# is caught on fuzz/seeds/altered-leaf.eml); ~20 s after the build.
fuzz-smoke: deps
	sh scripts/fuzz.sh --smoke

# make startup-order: rewrites scripts/startup-order.txt from the functions
# the release bouncecheck runs for an ordinary message (valgrind); commit it
# with the code it follows. A stale list only costs start-up time. Links the
# programs again with the new list.
startup-order: build
	@$(MAKE) --no-print-directory deps DEBS=valgrind
	BIN=$(BIN) sh scripts/startup-order.sh
	rm -f $(BIN)/bouncecheck $(BIN)/bouncesign $(BIN)/bouncesign-milter
	$(SWIFT) build $(SWIFTFLAGS)

install: build
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8 \
	  $(DESTDIR)$(DOCDIR)/examples $(DESTDIR)$(SYSCONFDIR)
	install -m 755 $(BIN)/bouncesign $(BIN)/bouncecheck $(DESTDIR)$(BINDIR)/
	install -m 644 man/bouncesign.1 man/bouncecheck.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 644 man/bouncesign.conf.5 $(DESTDIR)$(MANDIR)/man5/
	install -m 755 $(BIN)/bouncesign-milter $(DESTDIR)$(SBINDIR)/
	install -m 644 man/bouncesign-milter.8 $(DESTDIR)$(MANDIR)/man8/
	cp -R examples/. $(DESTDIR)$(DOCDIR)/examples/
	chmod -R u=rwX,go=rX $(DESTDIR)$(DOCDIR)/examples
	@# The sample settings only where there are none: never over an admin's file.
	@if [ -e $(DESTDIR)$(SYSCONFDIR)/bouncesign.conf ]; then \
	  echo "$(DESTDIR)$(SYSCONFDIR)/bouncesign.conf exists: left as it is (sample in $(DOCDIR)/examples)"; \
	else \
	  echo "install -m 644 examples/bouncesign.conf $(DESTDIR)$(SYSCONFDIR)/bouncesign.conf"; \
	  install -m 644 examples/bouncesign.conf $(DESTDIR)$(SYSCONFDIR)/bouncesign.conf; \
	fi

# Leaves $(SYSCONFDIR)/bouncesign.conf: it holds the admin's settings by now.
uninstall:
	rm -f $(DESTDIR)$(BINDIR)/bouncesign $(DESTDIR)$(BINDIR)/bouncecheck
	rm -f $(DESTDIR)$(MANDIR)/man1/bouncesign.1 $(DESTDIR)$(MANDIR)/man1/bouncecheck.1
	rm -f $(DESTDIR)$(MANDIR)/man5/bouncesign.conf.5
	rm -f $(DESTDIR)$(SBINDIR)/bouncesign-milter $(DESTDIR)$(MANDIR)/man8/bouncesign-milter.8
	rm -rf $(DESTDIR)$(DOCDIR)/examples
	rmdir $(DESTDIR)$(DOCDIR) 2>/dev/null || true

# $(DEB) from the release build (scripts/make-deb.sh); lintian checks it when
# installed (DEB_DEBS="dpkg-dev lintian" installs it; LINTIAN=no skips it).
deb: build
	@$(MAKE) --no-print-directory deps DEBS="$(DEB_DEBS)"
	BIN=$(BIN) sh scripts/make-deb.sh

clean:
	$(SWIFT) package clean
	rm -rf .build dist
