#!/usr/bin/env bash
# Obtains QEMU 10 (for its `igb` device: an SR-IOV Ethernet PF) from Debian's
# bookworm-backports suite into a private tree, and prints the tree's
# directory (usr/bin/qemu-system-x86_64, usr/share/qemu, ...) as its last
# line on stdout; progress goes to stderr.
#
# Invariants:
# - The machine's apt configuration is never changed: apt runs with its own
#   APT_CONFIG, whose sources, lists and cache all live under
#   $VFKEEPER_E2E_CACHE/qemu10 (default /var/tmp/vfkeeper-e2e). The system's
#   package lists are not rewritten and its QEMU (7.2, the NVMe bed's) stays.
# - The packages are unpacked with dpkg -x into qemu10-<version>, named by
#   qemu-system-x86's version; a tree exists only complete (built in a
#   temporary directory, renamed at the end), one fetch at a time (flock).
# - The shared libraries QEMU 10 links against are bookworm's: the ones
#   missing here are installed with the ordinary apt-get from the machine's
#   own sources (what a host without QEMU lacks), nothing else is.
# - Without the archive, the newest cached tree is used; with neither, the
#   script fails (exit 1): under `make check` a missing QEMU 10 is a failure.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache=${VFKEEPER_E2E_CACHE:-/var/tmp/vfkeeper-e2e}
state=$cache/qemu10
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
# The packages unpacked into the tree, with the suite each comes from.
packages=(qemu-system-x86/bookworm-backports qemu-system-common/bookworm-backports
  qemu-system-data/bookworm-backports qemu-utils/bookworm-backports
  seabios/bookworm-backports ipxe-qemu/bookworm)
# Package lists younger than this are not fetched again.
lists_max_age_min=$((24 * 60))

log() { printf '[fetch-qemu10 %(%T)T] %s\n' -1 "$*" >&2; }
die() { log "error: $*"; exit 1; }

# The private apt configuration: its own sources (bookworm and
# bookworm-backports, from the mirror the e2e image uses), lists and cache.
write_apt_config() {
  local mirror
  mirror=$(VFKEEPER_E2E_MIRROR=${VFKEEPER_E2E_MIRROR:-} "$here/build-image.sh" --print-mirror)
  mkdir -p "$state/apt/lists/partial" "$state/apt/cache/archives/partial" "$state/apt/etc/preferences.d"
  printf 'deb [signed-by=%s] %s bookworm main\ndeb [signed-by=%s] %s bookworm-backports main\n' \
    "$keyring" "$mirror" "$keyring" "$mirror" >"$state/apt/etc/sources.list"
  cat >"$state/apt/etc/apt.conf" <<EOF
Dir::Etc::sourcelist "$state/apt/etc/sources.list";
Dir::Etc::sourceparts "/dev/null";
Dir::Etc::preferencesparts "$state/apt/etc/preferences.d";
Dir::State::Lists "$state/apt/lists";
Dir::State::status "/var/lib/dpkg/status";
Dir::Cache "$state/apt/cache";
APT::Get::List-Cleanup "false";
EOF
}

private_apt() { APT_CONFIG=$state/apt/etc/apt.conf "$@"; }

# apt-get update with the private configuration, unless the lists are fresh.
# Returns non-zero when the archive cannot be reached.
update_lists() {
  local stamp=$state/apt/lists/.updated
  if [ -f "$stamp" ] && [ -z "$(find "$stamp" -mmin +"$lists_max_age_min")" ]; then return 0; fi
  log "apt-get update (private lists in $state/apt)"
  private_apt apt-get update -qq -o Acquire::Retries=2 >&2 && touch "$stamp"
}

# The candidate version of qemu-system-x86 in bookworm-backports.
read_version() {
  private_apt apt-cache madison qemu-system-x86 \
    | awk -F'|' '$3 ~ /bookworm-backports/ { gsub(/ /, "", $2); print $2; exit }'
}

# A version as a directory name (epoch colon and '+' kept out of paths).
dir_for() { printf '%s/qemu10-%s' "$cache" "$(printf '%s' "$1" | tr ':+~' '_._')"; }

newest_cached() {
  find "$cache" -maxdepth 1 -type d -name 'qemu10-*' -printf '%T@ %p\n' 2>/dev/null \
    | sort -rn | while read -r _ d; do [ -x "$d/usr/bin/qemu-system-x86_64" ] && { echo "$d"; break; }; done
}

# Downloads the packages (private config, into a fresh directory) and unpacks them.
unpack_tree() {
  local tmp=$1 deb
  mkdir -p "$tmp/debs" "$tmp/root"
  log "apt-get download ${packages[*]}"
  (cd "$tmp/debs" && private_apt apt-get download -qq "${packages[@]}" >&2)
  for deb in "$tmp"/debs/*.deb; do dpkg -x "$deb" "$tmp/root"; done
  # What the packages depend on, for install_libraries (first alternative of each).
  for deb in "$tmp"/debs/*.deb; do dpkg-deb -f "$deb" Depends; done \
    | tr ',' '\n' | sed -e 's/|.*//' -e 's/(.*)//' -e 's/:any//' -e 's/[[:space:]]//g' \
    | grep -v '^$' | sort -u >"$tmp/root/depends"
  dpkg-deb -f "$tmp"/debs/qemu-system-x86_*.deb Version >"$tmp/root/version"
}

# The libraries QEMU 10 needs and the machine lacks, from the machine's own
# sources with the ordinary apt-get (they are all in bookworm main). The
# packages of the tree itself and the ones present are left out.
install_libraries() {
  local root=$1 missing=() p
  while read -r p; do
    case $p in qemu-* | seabios | ipxe-qemu | ipxe-qemu-256k-compat-efi-roms | debconf* | adduser | init-system-helpers) continue ;; esac
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' && continue
    # Virtual packages (e.g. a provided name) are satisfied by whatever provides them.
    [ -n "$(dpkg-query -W -f='${Provides}\n' 2>/dev/null | tr ',' '\n' | sed 's/(.*)//;s/ //g' | grep -Fx "$p")" ] && continue
    missing+=("$p")
  done <"$root/depends"
  [ ${#missing[@]} -eq 0 ] && return 0
  log "apt-get install (the machine's sources) ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2 \
    || { apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive \
      apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2; }
}

# The binary must start and know the igb device (-device igb,help loads no module).
check_tree() {
  local root=$1 missing
  missing=$(ldd "$root/usr/bin/qemu-system-x86_64" | awk '/not found/ { print $1 }')
  [ -z "$missing" ] || die "qemu-system-x86_64 in $root lacks libraries: $missing"
  "$root/usr/bin/qemu-system-x86_64" -L "$root/usr/share/qemu" -device igb,help >/dev/null 2>&1 \
    || die "$root/usr/bin/qemu-system-x86_64 -device igb,help failed: no igb device"
}

main() {
  [ "$(id -u)" -eq 0 ] || die "must run as root (apt-get install of missing libraries)"
  mkdir -p "$state"
  exec 9>"$state/fetch.lock"
  flock -w 600 9 || die "another fetch holds $state/fetch.lock for 10 minutes"
  write_apt_config
  local version dir cached
  if ! update_lists || ! version=$(read_version) || [ -z "$version" ]; then
    cached=$(newest_cached)
    [ -n "$cached" ] || die "Debian's archive is unreachable and no QEMU 10 is cached in $cache (qemu10-*)"
    log "the archive is unreachable: using the cached $cached"
    install_libraries "$cached"; check_tree "$cached"; echo "$cached"; return 0
  fi
  dir=$(dir_for "$version")
  if [ ! -x "$dir/usr/bin/qemu-system-x86_64" ]; then
    tmp=$(mktemp -d "$cache/tmp-qemu10.XXXXXX")
    trap 'rm -rf --one-file-system "${tmp:-}"' EXIT
    unpack_tree "$tmp"
    mv -T "$tmp/root" "$dir"
    log "QEMU $version unpacked in $dir"
  fi
  install_libraries "$dir"
  check_tree "$dir"
  touch "$dir"
  echo "$dir"
}

main "$@"
