SHELL := /bin/bash
# bouncesign — build, test, install. `make demo` and `make test` install the
# Debian packages they need first (run as root on a fresh machine).

PREFIX  ?= /usr/local
DESTDIR ?=
BINDIR  ?= $(PREFIX)/bin
MANDIR  ?= $(PREFIX)/share/man
SWIFT   ?= swift
SWIFTFLAGS ?= -c release -Xswiftc -static-stdlib --disable-local-rpath
SECONDS ?= 60

# Build and run-time needs; no MTA (procmail would pull one in as a
# recommendation, hence --no-install-recommends).
DEBS = libgpgme-dev libgcrypt20-dev gnupg gpg-agent procmail mandoc
BIN  = $(shell $(SWIFT) build $(SWIFTFLAGS) --show-bin-path 2>/dev/null)

.PHONY: all build deps test check demo bench fuzz fuzz-smoke install uninstall clean

all: build

deps:
	@missing=$$(for p in $(DEBS); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing: $$missing"; \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing; \
	fi

build: deps
	$(SWIFT) build $(SWIFTFLAGS)

test: deps
	$(SWIFT) build
	$(SWIFT) test 2>&1 | tee .build/test.log; exit $${PIPESTATUS[0]}
	Tests/mta/real-bounces .build/debug
	Tests/mta/outbound .build/debug
	mandoc -Tlint -Wwarning man/*.1 man/*.5

check: test
	$(SWIFT) format lint --strict -r Sources Tests/BounceKitTests Tests/EndToEndTests
	mandoc -Tlint -Wwarning man/*.1 man/*.5

demo: build
	BIN=$(BIN) sh scripts/demo.sh

bench: build
	BIN=$(BIN) sh scripts/bench.sh

# make fuzz SECONDS=600: the oracle targets (fuzz/), unsanitised and under
# ASan side by side; prints executions a second and the oracle counts.
fuzz: deps
	sh scripts/fuzz.sh $(SECONDS)

# Proves the fuzz targets build and their oracles fire (a broken leaf check
# is caught on fuzz/seeds/altered-leaf.eml); ~20 s after the build.
fuzz-smoke: deps
	sh scripts/fuzz.sh --smoke

install: build
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5
	install -m 755 $(BIN)/bouncesign $(BIN)/bouncecheck $(DESTDIR)$(BINDIR)/
	install -m 644 man/bouncesign.1 man/bouncecheck.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 644 man/bouncesign.conf.5 $(DESTDIR)$(MANDIR)/man5/

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/bouncesign $(DESTDIR)$(BINDIR)/bouncecheck
	rm -f $(DESTDIR)$(MANDIR)/man1/bouncesign.1 $(DESTDIR)$(MANDIR)/man1/bouncecheck.1
	rm -f $(DESTDIR)$(MANDIR)/man5/bouncesign.conf.5

clean:
	$(SWIFT) package clean
	rm -rf .build
