#!/usr/bin/env bash
# Installs the named Debian packages that are missing, from the machine's
# normal apt sources, without their Recommends (prometheus would otherwise
# bring prometheus-node-exporter, whose textfile directory the daemon writes
# into when it exists). One apt-get at a time: several checks may ask at once.
set -euo pipefail
missing=()
for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "apt-get install: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
install() { apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=600 "${missing[@]}" >&2; }
install || { apt-get update -qq -o DPkg::Lock::Timeout=600 >&2 && install; }
