#!/usr/bin/env bash
# Builds the Debian 12 guest image of the end-to-end suite, or reuses the cached
# one. Prints the image directory (vmlinuz, initrd.img, root.img) on stdout as its
# last line; progress goes to stderr.
#
#   build-image.sh [--variant base|net]   base: the NVMe bed's image (default);
#                                         net: plus the network stacks of the igb
#                                         bed (systemd-networkd is systemd's),
#                                         each service left disabled
#   build-image.sh --print-mirror         the Debian mirror used, and exit
#
# Invariants:
# - The cache key is a hash of the recipe: this script and every file under
#   image/ (the tree copied into the guest root). Nothing else rebuilds it.
# - An image directory exists only complete: it is built in a temporary
#   directory next to it and renamed at the end; one build at a time (flock).
# - Nothing is written outside $VFKEEPER_E2E_CACHE (default /var/tmp/vfkeeper-e2e)
#   except host packages installed with apt-get. Package scripts run in the
#   chroot with debootstrap's policy-rc.d, so no service starts on the host.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache=${VFKEEPER_E2E_CACHE:-/var/tmp/vfkeeper-e2e}
suite=bookworm
# make: vfkeeper is installed with its own `make install`; man-db:
# `systemd-analyze verify` runs man for the unit's Documentation=.
guest_pkgs=(systemd systemd-sysv udev dbus kmod pciutils iproute2 ethtool procps
  linux-image-amd64 initramfs-tools nvme-cli make man-db)
# The package scenario: contrib/ansible's role, run in the guest (its apt
# module needs python3-apt; debootstrap does not resolve the virtual
# python3-cffi-backend-api-* that python3-cryptography depends on).
guest_pkgs+=(ansible-core python3-apt python3-cffi-backend)
# The VM bench's peers (bench/vm-floor.mjs): driverctl and dpdk's
# dpdk-devbind.py; lintian is run on the .deb inside the guest (its
# libnet-ssleay-perl needs the virtual perl-openssl-abi-3, named here).
guest_pkgs+=(driverctl dpdk lintian perl-openssl-defaults)
# The net variant: networkd-dispatcher and NetworkManager (debootstrap takes no
# alternative, so logind's libpam-systemd is named for polkitd).
net_pkgs=(networkd-dispatcher network-manager libpam-systemd)
variant=base
host_pkgs=(qemu-system-x86 qemu-utils debootstrap e2fsprogs)
# Free space left in the root file system for `make install` and logs.
headroom_mb=768

log() { printf '[build-image %(%T)T] %s\n' -1 "$*" >&2; }
die() { log "error: $*"; exit 1; }

install_host_tools() {
  local missing=() p
  for p in "${host_pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "apt-get install ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2 \
    || { apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive \
      apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2; }
}

# The Debian mirror this host's apt uses (deb822 or one-line format); only
# Debian's mirrors are reachable from these machines.
find_mirror() {
  [ -n "${VFKEEPER_E2E_MIRROR:-}" ] && { echo "$VFKEEPER_E2E_MIRROR"; return; }
  local uri
  uri=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null \
    | awk '/^URIs:/ { for (i = 2; i <= NF; i++) print $i }' | grep -E '/debian/?$' | head -n1 || true)
  [ -z "$uri" ] && uri=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
    | awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; break } }' \
    | grep -E '/debian/?$' | head -n1 || true)
  echo "${uri:-http://deb.debian.org/debian}"
}

recipe_hash() {
  {
    # Contents only, not where the clone lives: every clone shares the cache.
    sha256sum < "$here/build-image.sh"
    echo "variant $variant"
    (cd "$here/image" && find . -type f -print0 | LC_ALL=C sort -z \
      | xargs -0 stat -c '%n %a' && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
  } | sha256sum | cut -c1-16
}

# Unmounts whatever an interrupted debootstrap left under $1, then removes it
# without ever crossing into another file system.
remove_tree() {
  local dir=$1 m
  [ -d "$dir" ] || return 0
  { findmnt -rn -o TARGET | grep -F "$dir/" || true; } | sort -r | while read -r m; do umount -l "$m" || true; done
  rm -rf --one-file-system "$dir"
}

# Two stages, so the image tree (initramfs settings among it) is in place before
# any package is configured; the second stage runs in a private mount
# namespace, so the proc and sys mounts debootstrap makes die with it.
bootstrap_root() {
  local root=$1 mirror=$2 include pkgs=("${guest_pkgs[@]}")
  [ "$variant" = net ] && pkgs+=("${net_pkgs[@]}")
  include=$(IFS=,; echo "${pkgs[*]}")
  mkdir -p "$cache/debs"
  log "debootstrap $suite from $mirror"
  debootstrap --foreign --variant=minbase --include="$include" --cache-dir="$cache/debs" \
    "$suite" "$root" "$mirror" >"$cache/debootstrap.log" 2>&1 \
    || { tail -n 30 "$cache/debootstrap.log" >&2; die "debootstrap failed (log: $cache/debootstrap.log)"; }
  cp -r --preserve=mode "$here/image/." "$root/"
  log "debootstrap --second-stage"
  env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
    unshare --mount --propagation private chroot "$root" /debootstrap/debootstrap --second-stage \
    >>"$cache/debootstrap.log" 2>&1 \
    || { tail -n 30 "$cache/debootstrap.log" >&2; die "debootstrap --second-stage failed (log: $cache/debootstrap.log)"; }
}

# Everything here edits files from the host side: no program of the guest runs.
configure_root() {
  local root=$1
  echo vfkeeper-e2e >"$root/etc/hostname"
  printf '127.0.0.1 localhost\n127.0.1.1 vfkeeper-e2e\n' >"$root/etc/hosts"
  sed -i 's/^root:[^:]*:/root::/' "$root/etc/shadow"
  mkdir -p "$root/srv/vfkeeper" "$root/results" "$root/opt/host-node" "$root/mnt/project-ro"
  # The host's node, at both paths an installed unit may name.
  ln -sf /opt/host-node/node "$root/usr/local/bin/node"
  ln -sf /opt/host-node/node "$root/usr/bin/node"
  systemctl --quiet --root="$root" set-default multi-user.target
  systemctl --quiet --root="$root" enable vfkeeper-e2e.service
  # Timers that would wake up during a scenario and compete for the one vCPU;
  # NVMe-oF autoconnect and a getty on a display the guest does not have.
  systemctl --root="$root" mask apt-daily.timer apt-daily-upgrade.timer \
    e2scrub_all.timer e2scrub_reap.service fstrim.timer \
    nvmf-autoconnect.service getty@tty1.service 2>/dev/null
  [ "$variant" = net ] && configure_network_stacks "$root"
  rm -f "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*_Packages
}

# The net variant: every network service off until a scenario starts the one
# it tests; NetworkManager's dispatcher is D-Bus activated, which needs its
# alias enabled. Nothing but the loopback is configured.
configure_network_stacks() {
  local root=$1
  systemctl --quiet --root="$root" disable NetworkManager.service NetworkManager-wait-online.service \
    networkd-dispatcher.service systemd-networkd.service systemd-networkd.socket \
    systemd-networkd-wait-online.service wpa_supplicant.service 2>/dev/null || true
  systemctl --quiet --root="$root" enable NetworkManager-dispatcher.service 2>/dev/null || true
}

make_image() {
  local root=$1 out=$2 mb kernel
  # Named from the root's /boot, never through its /vmlinuz link (an absolute
  # link would resolve on the host).
  kernel=$(find "$root/boot" -maxdepth 1 -name 'vmlinuz-*' -printf '%f\n' | sort -V | tail -n1)
  [ -n "$kernel" ] && [ -f "$root/boot/initrd.img-${kernel#vmlinuz-}" ] || die "no kernel and initrd in $root/boot"
  cp "$root/boot/$kernel" "$out/vmlinuz"
  cp "$root/boot/initrd.img-${kernel#vmlinuz-}" "$out/initrd.img"
  mb=$(( $(du -sm "$root" | cut -f1) + headroom_mb ))
  log "mkfs.ext4 -d (${mb} MB)"
  mkfs.ext4 -q -F -L vfkeeper-e2e -d "$root" "$out/root.img" "${mb}M" >&2
}

parse_args() {
  while [ $# -gt 0 ]; do
    case $1 in
      --variant) variant=${2:-}; shift 2 ;;
      --print-mirror) find_mirror; exit 0 ;;
      *) die "usage: build-image.sh [--variant base|net] | --print-mirror" ;;
    esac
  done
  case $variant in base | net) ;; *) die "--variant is base or net, not '$variant'" ;; esac
}

main() {
  parse_args "$@"
  [ "$(id -u)" -eq 0 ] || die "must run as root (debootstrap, mkfs.ext4 -d with ownership)"
  local key dir started
  key=$(recipe_hash)
  dir="$cache/image-$key"
  mkdir -p "$cache"
  exec 9>"$cache/build.lock"
  flock -w 1800 9 || die "another build holds $cache/build.lock for 30 minutes"
  if [ -f "$dir/root.img" ]; then
    touch "$dir"
    log "cached image $dir"
    echo "$dir"; return 0
  fi
  install_host_tools
  started=$(date +%s)
  local stale
  for stale in "$cache"/tmp-build.*; do remove_tree "$stale"; done
  build_tmp=$(mktemp -d "$cache/tmp-build.XXXXXX")
  trap 'remove_tree "$build_tmp"' EXIT
  bootstrap_root "$build_tmp/root" "$(find_mirror)"
  configure_root "$build_tmp/root"
  mkdir "$build_tmp/out"
  make_image "$build_tmp/root" "$build_tmp/out"
  echo "$key" >"$build_tmp/out/recipe"
  mv -T "$build_tmp/out" "$dir"
  # Images of other recipes unused for two days (other branches may still use newer ones).
  find "$cache" -maxdepth 1 -name 'image-*' -mtime +2 -exec rm -rf --one-file-system {} + || true
  log "built $dir in $(( $(date +%s) - started )) s"
  echo "$dir"
}

main "$@"
