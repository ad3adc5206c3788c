# vfkeeper: the two set-up commands of the README are `make demo` and
# `make check`; both install what they need (Debian packages, npm packages).
SHELL := /bin/bash
PREFIX ?= /usr/local
DESTDIR ?=
NODE ?= node
NPM ?= npm

.PHONY: all deps build stage typecheck lint format format-check test check demo e2e fuzz install uninstall clean

all: build

# Debian packages the build needs: libsystemd-dev for the journald binding,
# journald itself and dbus-daemon for the tests against the real parts;
# groff and man for the man page's rendering test; socat, the half-closing
# client of the control socket's test (CI runs every test); initramfs-tools-core
# (lsinitramfs) and cpio, for doctor's initramfs check and the real small
# initramfs its tests build.
APT_PKGS := libsystemd-dev systemd dbus udev groff-base man-db socat initramfs-tools-core cpio
deps: node_modules/.installed
node_modules/.installed: package.json package-lock.json
	@missing=""; for p in $(APT_PKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then echo "apt-get install:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; fi
	$(NPM) ci --no-audit --no-fund
	@touch $@

# Compiled (tsc into dist/, for the tests' imports) and bundled (esbuild into
# dist/bundle/, what `vfkeeper` runs: scripts/bundle.mjs says why), only
# when a source is newer than the output: `make install` in the end-to-end
# guest (which has no npm) then finds it done.
TS_SOURCES := $(shell find src -name '*.ts') tsconfig.json scripts/bundle.mjs scripts/bundle-module-url.js scripts/code-cache.mjs
CLI := dist/bundle/main.js
build: $(CLI)
$(CLI): node_modules/.installed $(TS_SOURCES)
	$(NPM) run --silent build
	@chmod +x $@
	@touch $@

typecheck: deps
	npx tsc -p tsconfig.test.json

lint: deps
	npx eslint .

# One format (prettier, 140 columns: .prettierrc.json); `make format` applies it.
format-check: deps
	npx prettier --check --log-level warn .

format: deps
	npx prettier --write --log-level warn .

test: build operator-tools
	npx vitest run

check: typecheck lint format-check build test check-alerts check-deb check-ansible bench-quick e2e

demo: build
	$(NODE) $(CLI) demo
	@echo
	@echo 'To call vfkeeper from this checkout (the README'"'"'s examples): export PATH=$$PWD/bin:$$PATH'

# The real-kernel suite: builds (or reuses) the Debian guest images under
# /var/tmp/vfkeeper-e2e, installing QEMU and debootstrap if missing, fetches
# QEMU 10 privately for the igb NIC (test/e2e/testbed/fetch-qemu10.sh), and
# boots them under QEMU; see test/e2e/README.md. The guest runs `make install` from
# what `stage` prepared here (it has no npm).
# `make check` runs every scenario: the NVMe PF's smoke and daemon
# scenarios, the igb NIC's (the network half) and the package's (the .deb
# through apt, then the Ansible role). `make e2e-igb` and `make e2e-package`
# run one of them alone (test/e2e/README.md).
E2E_CHECKED := test/e2e/smoke.test.ts test/e2e/daemon.test.ts test/e2e/igb.test.ts test/e2e/package.test.ts
e2e: stage
	npx vitest run -c vitest.e2e.config.ts $(E2E_CHECKED)

.PHONY: e2e-igb e2e-package e2e-all
e2e-igb: stage
	npx vitest run -c vitest.e2e.config.ts test/e2e/igb.test.ts

e2e-package: stage
	npx vitest run -c vitest.e2e.config.ts test/e2e/package.test.ts

e2e-all: stage
	npx vitest run -c vitest.e2e.config.ts

# The long fuzzing run: every property of test/fuzz with FUZZ_RUNS generated
# cases (make check runs the same properties a few hundred times each).
FUZZ_RUNS ?= 10000
fuzz: build
	VFKEEPER_FUZZ_RUNS=$(FUZZ_RUNS) npx vitest run test/fuzz

clean:
	rm -rf dist coverage

# Benchmarks: figures printed, asserted nowhere (design.md's targets;
# bench/RESULTS.md has the last figures and why). `make check` runs each in
# its quick mode (a few iterations), so a change that breaks one fails there;
# the VM bench's quick mode boots nothing (a boot takes minutes): it checks
# its harness. `make bench-vm` boots the guests in turn (as root, one VM at a
# time): the NVMe PF, the igb PF, both PFs in one guest (bench/vm-floor.mjs).
.PHONY: bench bench-quick bench-vm
bench: build
	npx vitest bench --run
	$(NODE) bench/per-event.mjs
	$(NODE) bench/cold-reconcile.mjs
	$(NODE) bench/status-cold.mjs
	$(NODE) bench/daemon-rss.mjs

bench-quick: build
	VFK_BENCH_QUICK=1 npx vitest bench --run
	$(NODE) bench/per-event.mjs --quick
	$(NODE) bench/cold-reconcile.mjs --quick
	$(NODE) bench/status-cold.mjs --quick
	$(NODE) bench/daemon-rss.mjs --quick
	$(NODE) bench/vm-floor.mjs --quick

# BENCH_VM_ARGS: e.g. --reps 5 --settle-reps 3 (fewer repetitions), --pf igb,
# --profile (the daemon under node's CPU profiler: where its runs' time goes).
bench-vm: stage
	flock /tmp/vfkeeper-vm.lock $(NODE) bench/vm-floor.mjs $(BENCH_VM_ARGS)

# ---- packaging: install, uninstall, deb (docs in man/vfkeeper.8.md) ----
# `make install PREFIX=/usr DESTDIR=...` lays out what the .deb ships;
# the default PREFIX=/usr/local is a local install. /etc stays /etc: the
# daemon reads /etc/vfkeeper whatever the prefix.
SYSCONFDIR ?= /etc
BINDIR ?= $(PREFIX)/bin
APPDIR ?= $(PREFIX)/lib/vfkeeper
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ifeq ($(PREFIX),/usr)
# Debian 12's own places (pkg-config systemd/udev): units and rules in /lib,
# where dpkg expects them until the /usr-merge moratorium ends. The
# dispatchers read /usr/lib and keep /etc for the administrator.
UNITDIR ?= /lib/systemd/system
UDEVRULESDIR ?= /lib/udev/rules.d
NMDISPATCHERDIR ?= /usr/lib/NetworkManager/dispatcher.d
NDDISPATCHERDIR ?= /usr/lib/networkd-dispatcher
else
UNITDIR ?= $(PREFIX)/lib/systemd/system
UDEVRULESDIR ?= $(PREFIX)/lib/udev/rules.d
# Neither dispatcher looks under /usr/local: their /etc directories.
NMDISPATCHERDIR ?= $(SYSCONFDIR)/NetworkManager/dispatcher.d
NDDISPATCHERDIR ?= $(SYSCONFDIR)/networkd-dispatcher
endif
MODULESLOADDIR ?= $(PREFIX)/lib/modules-load.d
CATALOGDIR ?= $(PREFIX)/lib/systemd/catalog
# The runtime is bundled: Debian 12's nodejs is 18, and the journald binding
# is built for this Node's ABI.
NODE_RUNTIME ?= $(shell command -v $(NODE))
PKGBUILD := debian-build
INSTALL := install

# dist/ and production node_modules only; native bindings come along as
# built, prebuilt binaries for other systems do not.
$(PKGBUILD)/app/.staged: node_modules/.installed package.json package-lock.json
	rm -rf $(PKGBUILD)/app && mkdir -p $(PKGBUILD)/app
	cp package.json package-lock.json $(PKGBUILD)/app/
	cp -a node_modules $(PKGBUILD)/app/
	cd $(PKGBUILD)/app && $(NPM) prune --omit=dev --no-audit --no-fund --loglevel=error
	arch=$$($(NODE) -p process.arch); \
	find $(PKGBUILD)/app/node_modules -type d \
	  \( -path '*/build/darwin' -o -path '*/build/win32' -o -path '*/build/linux/*' \) \
	  -prune ! -name "$$arch" -exec rm -rf {} +
	rm -f $(PKGBUILD)/app/package-lock.json
	@touch $@

man/vfkeeper.8: man/vfkeeper.8.md src/packaging/man-page.ts | build
	$(NODE) man/build.mjs man/vfkeeper.8.md $@

# Everything install copies, built here; nothing of it is redone when it is
# up to date, so a machine without npm (the e2e guest) can install it.
stage: build $(PKGBUILD)/app/.staged man/vfkeeper.8

install: stage
	$(INSTALL) -d $(DESTDIR)$(APPDIR) $(DESTDIR)$(BINDIR)
	rm -rf $(DESTDIR)$(APPDIR)/dist $(DESTDIR)$(APPDIR)/node_modules
	cp -R dist $(PKGBUILD)/app/node_modules $(PKGBUILD)/app/package.json $(DESTDIR)$(APPDIR)/
	chmod -R u+rwX,go+rX,go-w $(DESTDIR)$(APPDIR)
	$(INSTALL) -m 0755 $(NODE_RUNTIME) $(DESTDIR)$(APPDIR)/node
	printf '#!/bin/sh\n# vfkeeper, on the Node.js runtime installed beside it. The installed\n# vfkeeper is the one meant to write this host'"'"'s /sys.\nVFKEEPER_ALLOW_REAL_SYSFS=1\nexport VFKEEPER_ALLOW_REAL_SYSFS\nexec "%s" "%s" "$$@"\n' \
	  '$(APPDIR)/node' '$(APPDIR)/$(CLI)' > $(DESTDIR)$(BINDIR)/vfkeeper
	chmod 0755 $(DESTDIR)$(BINDIR)/vfkeeper
	$(INSTALL) -d $(DESTDIR)$(UNITDIR) $(DESTDIR)$(UDEVRULESDIR) $(DESTDIR)$(MODULESLOADDIR)
	sed 's|^ExecStart=/usr/bin/vfkeeper |ExecStart=$(BINDIR)/vfkeeper |' units/vfkeeper.service \
	  > $(DESTDIR)$(UNITDIR)/vfkeeper.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/vfkeeper.service
	$(INSTALL) -m 0644 udev-rules/70-vfkeeper.rules $(DESTDIR)$(UDEVRULESDIR)/
	$(INSTALL) -m 0644 modules-load.d/vfkeeper.conf $(DESTDIR)$(MODULESLOADDIR)/
	if [ -f units/vfkeeper.catalog ]; then \
	  $(INSTALL) -d $(DESTDIR)$(CATALOGDIR) && \
	  $(INSTALL) -m 0644 units/vfkeeper.catalog $(DESTDIR)$(CATALOGDIR)/; fi
	$(INSTALL) -D -m 0755 hooks/networkmanager-dispatcher $(DESTDIR)$(NMDISPATCHERDIR)/90-vfkeeper
	for state in routable configured; do \
	  $(INSTALL) -D -m 0755 hooks/networkd-dispatcher $(DESTDIR)$(NDDISPATCHERDIR)/$$state.d/90-vfkeeper; done
	$(INSTALL) -d $(DESTDIR)$(SYSCONFDIR)/vfkeeper/conf.d
	[ -e $(DESTDIR)$(SYSCONFDIR)/vfkeeper/vfkeeper.yaml ] || \
	  $(INSTALL) -m 0644 etc/vfkeeper.yaml $(DESTDIR)$(SYSCONFDIR)/vfkeeper/vfkeeper.yaml
	$(INSTALL) -D -m 0644 man/vfkeeper.8 $(DESTDIR)$(MANDIR)/man8/vfkeeper.8
	$(INSTALL) -D -m 0644 completion/vfkeeper.bash $(DESTDIR)$(BASHCOMPDIR)/vfkeeper
	@$(MAKE) --no-print-directory post-install-reload

uninstall:
	rm -rf $(DESTDIR)$(APPDIR)
	rm -f $(DESTDIR)$(BINDIR)/vfkeeper $(DESTDIR)$(UNITDIR)/vfkeeper.service \
	  $(DESTDIR)$(UDEVRULESDIR)/70-vfkeeper.rules $(DESTDIR)$(MODULESLOADDIR)/vfkeeper.conf \
	  $(DESTDIR)$(CATALOGDIR)/vfkeeper.catalog $(DESTDIR)$(NMDISPATCHERDIR)/90-vfkeeper \
	  $(DESTDIR)$(NDDISPATCHERDIR)/routable.d/90-vfkeeper $(DESTDIR)$(NDDISPATCHERDIR)/configured.d/90-vfkeeper \
	  $(DESTDIR)$(MANDIR)/man8/vfkeeper.8 $(DESTDIR)$(BASHCOMPDIR)/vfkeeper
	@echo "kept the configuration in $(DESTDIR)$(SYSCONFDIR)/vfkeeper"
	@$(MAKE) --no-print-directory post-install-reload

# Tell the running system, when there is one and it is this root.
.PHONY: post-install-reload
post-install-reload:
	@if [ -z "$(DESTDIR)" ]; then \
	  if [ -d /run/systemd/system ]; then systemctl daemon-reload || true; fi; \
	  if command -v udevadm >/dev/null && [ -d /run/udev ]; then udevadm control --reload || true; fi; \
	  if command -v journalctl >/dev/null; then journalctl --update-catalog || true; fi; \
	fi

# A Debian package from a DESTDIR install with PREFIX=/usr. DEB_VERSION may be
# set on the command line (the real-kernel suite builds a newer one to test
# the upgrade); the changelog is dated from the last commit, so the same tree
# builds the same package.
DEB_VERSION ?= $(shell $(NODE) -p 'require("./package.json").version')
DEB_ARCH = $(shell dpkg --print-architecture)
# Whoever builds the package for their apt repository names themselves.
DEB_MAINTAINER ?= vfkeeper maintainers <vfkeeper@example.org>
DEB_DATE = $(shell date -R -u -d @$$(git log -1 --format=%ct 2>/dev/null || date +%s))
DEB_FILE = vfkeeper_$(DEB_VERSION)_$(DEB_ARCH).deb
DPKG_DEB_FLAGS ?= -Zxz
.PHONY: deb
deb:
	rm -rf $(PKGBUILD)/root
	$(MAKE) --no-print-directory install PREFIX=/usr DESTDIR=$(CURDIR)/$(PKGBUILD)/root
	packaging/debian/tidy-root.sh $(PKGBUILD)/root
	gzip -9n $(PKGBUILD)/root/usr/share/man/man8/vfkeeper.8
	$(INSTALL) -D -m 0644 packaging/debian/copyright $(PKGBUILD)/root/usr/share/doc/vfkeeper/copyright
	sed -e 's/@VERSION@/$(DEB_VERSION)/' -e 's/@MAINTAINER@/$(DEB_MAINTAINER)/' -e 's/@DATE@/$(DEB_DATE)/' \
	  packaging/debian/changelog.in | gzip -9n > $(PKGBUILD)/root/usr/share/doc/vfkeeper/changelog.gz
	chmod 0644 $(PKGBUILD)/root/usr/share/doc/vfkeeper/changelog.gz
	$(INSTALL) -D -m 0644 packaging/debian/lintian-overrides $(PKGBUILD)/root/usr/share/lintian/overrides/vfkeeper
	$(INSTALL) -d $(PKGBUILD)/root/DEBIAN
	$(INSTALL) -m 0755 packaging/debian/postinst packaging/debian/prerm packaging/debian/postrm $(PKGBUILD)/root/DEBIAN/
	printf '%s\n' /etc/vfkeeper/vfkeeper.yaml > $(PKGBUILD)/root/DEBIAN/conffiles
	cd $(PKGBUILD)/root && find . -path ./DEBIAN -prune -o -path ./etc -prune -o -type f -printf '%P\0' \
	  | LC_ALL=C sort -z | xargs -0 md5sum > DEBIAN/md5sums
	chmod 0644 $(PKGBUILD)/root/DEBIAN/md5sums
	sed -e 's/@VERSION@/$(DEB_VERSION)/' -e 's/@ARCH@/$(DEB_ARCH)/' -e 's/@MAINTAINER@/$(DEB_MAINTAINER)/' \
	  -e "s/@SIZE@/$$(du -sk --exclude=DEBIAN $(PKGBUILD)/root | cut -f1)/" \
	  packaging/debian/control.in > $(PKGBUILD)/root/DEBIAN/control
	dpkg-deb --root-owner-group $(DPKG_DEB_FLAGS) --build $(PKGBUILD)/root $(DEB_FILE)

# ---- the operators' own tools, checked with the real ones (Debian's) ----
# Installed with apt-get when missing (scripts/apt-ensure.sh): promtool
# (prometheus), ansible-playbook (ansible-core). lintian runs in the
# package scenario's guest (test/e2e/guest/package/lintian.ts): installing
# it here upgraded this machine's perl.
.PHONY: operator-tools check-alerts check-deb check-ansible
operator-tools:
	scripts/apt-ensure.sh prometheus ansible-core

# The alert rules, against series shaped as vfkeeper's textfile
# (test/integration/prometheus/ checks the names against a real one).
check-alerts: operator-tools
	promtool check rules contrib/prometheus/vfkeeper-alerts.yml
	promtool test rules contrib/prometheus/tests/*.test.yml

# The .deb builds; lintian (no errors, no warnings; each tag that is
# expected is overridden in packaging/debian/lintian-overrides, with why)
# checks it in the package scenario's guest, part of `make e2e`.
check-deb: deb

# The role's syntax here; the guest runs it for real (test/e2e/deb.test.ts).
check-ansible: operator-tools
	cd contrib/ansible && LC_ALL=C.UTF-8 ANSIBLE_ROLES_PATH=roles ansible-playbook --syntax-check -i localhost, tests/site.yml
