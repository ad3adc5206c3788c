# vfkeeper: the two set-up commands of the README are `make demo` and
# `make check`; both install what they need (Debian packages, npm packages).
SHELL := /bin/bash
PREFIX ?= /usr/local
DESTDIR ?=
NODE ?= node
NPM ?= npm

.PHONY: all deps build typecheck lint test check demo e2e install uninstall clean

all: build

# Debian packages the build needs: libsystemd-dev for the journald binding,
# journald itself and dbus-daemon for the tests against the real parts.
APT_PKGS := libsystemd-dev systemd dbus
deps: node_modules/.installed
node_modules/.installed: package.json package-lock.json
	@missing=""; for p in $(APT_PKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then echo "apt-get install:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; fi
	$(NPM) ci --no-audit --no-fund
	@touch $@

build: deps
	$(NPM) run --silent build
	@chmod +x dist/cli/main.js

typecheck: deps
	npx tsc -p tsconfig.test.json

lint: deps
	npx eslint .

test: build
	npx vitest run

check: typecheck lint build test

demo: build
	$(NODE) dist/cli/main.js demo

# The real-kernel suite: builds (or reuses) a Debian guest image under
# /var/tmp/vfkeeper-e2e, installing QEMU and debootstrap if missing, and boots
# it under QEMU; see test/e2e/README.md.
e2e: deps
	npx vitest run -c vitest.e2e.config.ts

clean:
	rm -rf dist coverage
