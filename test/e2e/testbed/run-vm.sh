#!/usr/bin/env bash
# Boots the end-to-end guest once, runs one scenario in it, and exits with the
# scenario's exit status. See test/e2e/README.md.
#
#   run-vm.sh [options] SCENARIO
#     --pf nvme|igb|both  the emulated SR-IOV PF: QEMU 7.2's NVMe controller (default),
#                       QEMU 10's igb NIC (fetch-qemu10.sh; the net image variant), or
#                       both under QEMU 10: NVMe at 01:00.0, igb at 02:00.0 (net image)
#     --qemu10 DIR      QEMU 10's tree for igb (default: fetch-qemu10.sh, cached)
#     --vfs N           VFs the emulated NVMe PF offers (sriov_totalvfs), 1..127, default 4;
#                       igb offers 7, always (--pf igb: vfkeeper.vfs=7)
#     --deadline S      the scenario's deadline inside the guest, default 300
#     --results DIR     where results go (emptied first), default .e2e/results/SCENARIO
#     --image DIR       a built image (default: build-image.sh, cached)
#     --memory MB       guest memory, default 1024
#     --smp N           guest vCPUs, default 1
#     --param KEY=VAL   extra vfkeeper.KEY=VAL on the kernel command line (repeatable)
#     --interactive     serial console on this terminal, no scenario (Ctrl-a x quits)
#   Exit status: the scenario's; 124 its deadline passed; 125 the guest gave no
#   result (boot failure, host deadline: see DIR/console.log); 2 bad usage.
#
# Invariants: every file of a run lives in a fresh directory under the cache
# and is removed on exit, with the QEMU this script started; the host's
# project directory is shared read-only; only the results directory is writable.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
project=$(cd "$here/../../.." && pwd)
cache=${VFKEEPER_E2E_CACHE:-/var/tmp/vfkeeper-e2e}
# Boot under TCG, journal dump and power-off, on top of the scenario's deadline.
boot_allowance=${VFKEEPER_E2E_BOOT_ALLOWANCE:-240}
pf=nvme qemu10=${VFKEEPER_E2E_QEMU10:-} vfs=4 deadline=300 results='' image='' memory=1024 smp=1 interactive=0 params=() scenario=''

log() { printf '[run-vm %(%T)T] %s\n' -1 "$*" >&2; }
usage() { sed -n "4,21p" "$0" | sed "s/^# \\{0,1\\}//" >&2; exit "${1:-2}"; }
is_uint() { [[ $1 =~ ^[0-9]+$ ]]; }

parse_args() {
  while [ $# -gt 0 ]; do
    case $1 in
      --pf) pf=${2:-}; shift 2 ;;
      --qemu10) qemu10=${2:-}; shift 2 ;;
      --vfs) vfs=${2:-}; shift 2 ;;
      --deadline) deadline=${2:-}; shift 2 ;;
      --results) results=${2:-}; shift 2 ;;
      --image) image=${2:-}; shift 2 ;;
      --memory) memory=${2:-}; shift 2 ;;
      --smp) smp=${2:-}; shift 2 ;;
      --param) params+=("${2:-}"); shift 2 ;;
      --interactive) interactive=1; shift ;;
      -h|--help) usage 0 ;;
      -*) log "unknown option $1"; usage ;;
      *) [ -z "$scenario" ] || usage; scenario=$1; shift ;;
    esac
  done
  [ "$interactive" = 1 ] && scenario=${scenario:-interactive}
  [[ $scenario =~ ^[a-z0-9][a-z0-9-]*$ ]] || { log "scenario name must be [a-z0-9-]+"; usage; }
  case $pf in nvme | both) ;; igb) vfs=7 ;; *) log "--pf is nvme, igb or both"; usage ;; esac
  is_uint "$vfs" && [ "$vfs" -ge 1 ] && [ "$vfs" -le 127 ] || { log "--vfs must be 1..127"; usage; }
  is_uint "$deadline" && is_uint "$memory" && is_uint "$smp" || { log "--deadline, --memory, --smp take numbers"; usage; }
  local p
  for p in "${params[@]}"; do [[ $p =~ ^[a-z0-9_]+=[^[:space:]]*$ ]] || { log "bad --param $p"; usage; }; done
  results=${results:-$project/.e2e/results/$scenario}
}

# Guest scenarios in TypeScript are compiled on the host into .e2e/build.
compile_guest() {
  [ -f "$project/test/e2e/guest/scenarios/$scenario.ts" ] || return 0
  [ -x "$project/node_modules/.bin/tsc" ] || { log "node_modules missing: run 'make deps'"; exit 125; }
  log "tsc -p test/e2e/guest"
  (cd "$project" && node_modules/.bin/tsc -p test/e2e/guest/tsconfig.json)
}

# The host's node runs in the guest (same glibc); shared as a directory of its own.
share_node() {
  local bin
  bin=$(readlink -f "${VFKEEPER_E2E_NODE:-$(command -v node)}")
  mkdir "$run/node"
  ln "$bin" "$run/node/node" 2>/dev/null || cp "$bin" "$run/node/node"
}

# KVM is used only where it really boots this kernel to its first panic
# (no root given); the answer is kept for this host boot.
choose_accel() {
  if [ -n "${VFKEEPER_E2E_ACCEL:-}" ]; then echo "$VFKEEPER_E2E_ACCEL"; return; fi
  [ -w /dev/kvm ] || { echo tcg; return; }
  local mark
  mark="$image/kvm-probe-$(cat /proc/sys/kernel/random/boot_id)"
  if [ ! -f "$mark" ]; then
    timeout -s KILL 20 "${qemu_bin[@]}" -machine q35,accel=kvm -cpu host -m 256 -nodefaults \
      -display none -no-reboot -kernel "$image/vmlinuz" -append 'console=ttyS0 panic=-1' \
      -serial "file:$run/kvm-probe.log" >/dev/null 2>&1 || true
    if grep -q 'Kernel panic' "$run/kvm-probe.log" 2>/dev/null; then echo kvm >"$mark"; else echo tcg >"$mark"; fi
  fi
  cat "$mark"
}

# $1: the root port's number (its bus: 0 -> 01, 1 -> 02).
nvme_args() {
  # Property rules of docs/vm-testbed.md for N VFs.
  local vq=$((2 * vfs)) msix=$((vfs + 1 > 65 ? vfs + 1 : 65))
  truncate -s 16M "$run/nvme.img"
  qemu+=(-device "pcie-root-port,id=rp$1,chassis=$(($1 + 1)),slot=$(($1 + 1))"
    -device "nvme-subsys,id=subsys0,nqn=vfkeeper-test"
    -drive "file=$run/nvme.img,if=none,id=nvm0,format=raw"
    -device "nvme,id=nvme0,bus=rp$1,serial=deadbeef,subsys=subsys0,max_ioqpairs=$((vq + 2)),msix_qsize=$msix,sriov_max_vfs=$vfs,sriov_vq_flexible=$vq,sriov_vi_flexible=$vfs"
    -device "nvme-ns,bus=nvme0,drive=nvm0,nsid=1")
}

# QEMU 10's igb (Intel 82576): an SR-IOV Ethernet PF with 7 VFs, behind a
# port as the NVMe PF is, its frames going to user-mode networking (slirp).
igb_args() {
  qemu+=(-device "pcie-root-port,id=rp$1,chassis=$(($1 + 1)),slot=$(($1 + 1))"
    -netdev "user,id=n0"
    -device "igb,id=pf0,bus=rp$1,netdev=n0,mac=52:54:00:12:34:56")
}

# One IOMMU, then each PF behind a root port of its own (both: the bench's
# two-PF boot, NVMe on the first port).
pf_args() {
  qemu+=(-device "intel-iommu,intremap=on")
  case $pf in
    nvme) nvme_args 0 ;;
    igb) igb_args 0 ;;
    both) nvme_args 0; igb_args 1 ;;
  esac
}

# Which QEMU: the system's (7.2) for the NVMe PF alone; the private QEMU 10
# for igb (alone or beside the NVMe PF), with its own firmware (-L: its compiled-in paths are the system's).
choose_qemu() {
  if [ "$pf" = nvme ]; then qemu_bin=(qemu-system-x86_64); return; fi
  local q10
  q10=${qemu10:-$("$here/fetch-qemu10.sh" | tail -n1)}
  [ -x "$q10/usr/bin/qemu-system-x86_64" ] || { log "no QEMU 10 in '$q10'"; exit 125; }
  qemu_bin=("$q10/usr/bin/qemu-system-x86_64" -L "$q10/usr/share/qemu" -L "$q10/usr/share/seabios" -L "$q10/usr/lib/ipxe/qemu")
}

build_qemu() {
  local accel=$1 boot=$2 append p
  if [ "$accel" = kvm ]; then qemu=("${qemu_bin[@]}" -machine "q35,accel=kvm,kernel-irqchip=split" -cpu host)
  else qemu=("${qemu_bin[@]}" -machine "q35,accel=tcg" -cpu max); fi
  # no_timer_check: under TCG on a loaded host the kernel's IO-APIC timer
  # check can fail ("timer doesn't work through Interrupt-remapped IO-APIC": panic).
  append="root=/dev/vda rw console=ttyS0,115200 intel_iommu=on iommu=pt panic=1 no_timer_check"
  [ "$interactive" = 1 ] || append+=" vfkeeper.scenario=$scenario vfkeeper.deadline=$deadline"
  append+=" vfkeeper.vfs=$vfs vfkeeper.accel=$accel vfkeeper.pf=$pf vfkeeper.boot=$boot"
  for p in "${params[@]}"; do append+=" vfkeeper.$p"; done
  qemu+=(-m "$memory" -smp "$smp" -nodefaults -display none -no-reboot
    -kernel "$image/vmlinuz" -initrd "$image/initrd.img" -append "$append"
    -drive "file=$run/overlay.qcow2,if=virtio,format=qcow2")
  pf_args
  qemu+=(-virtfs "local,path=$project,mount_tag=project,security_model=none,readonly=on"
    -virtfs "local,path=$run/node,mount_tag=hostnode,security_model=none,readonly=on"
    -virtfs "local,path=$results,mount_tag=results,security_model=none")
  if [ "$interactive" = 1 ]; then qemu+=(-serial mon:stdio)
  else qemu+=(-chardev "file,id=con,path=$results/console.log" -serial chardev:con -monitor none); fi
}

# Only a directory this script made (it holds the marker) is ever emptied.
prepare_results() {
  if [ -d "$results" ] && [ -n "$(ls -A "$results")" ]; then
    [ -f "$results/.vfkeeper-e2e-results" ] || { log "$results is not empty and not ours; refusing to empty it"; exit 2; }
    rm -rf --one-file-system "$results"
  fi
  mkdir -p "$results" && touch "$results/.vfkeeper-e2e-results"
  results=$(cd "$results" && pwd)
}

cleanup() {
  [ -n "${qpid:-}" ] && kill "$qpid" 2>/dev/null && wait "$qpid" 2>/dev/null
  [ -n "${run:-}" ] && rm -rf --one-file-system "$run"
}

main() {
  parse_args "$@"
  local variant=base
  [ "$pf" = nvme ] || variant=net
  [ -n "$image" ] || image=$("$here/build-image.sh" --variant "$variant" | tail -n1)
  choose_qemu
  [ -f "$image/root.img" ] || { log "no image in $image"; exit 125; }
  compile_guest
  prepare_results
  mkdir -p "$cache"
  run=$(mktemp -d "$cache/run.XXXXXX")
  trap cleanup EXIT
  trap 'exit 130' INT TERM
  qemu-img create -q -f qcow2 -F raw -b "$image/root.img" "$run/overlay.qcow2"
  share_node
  local accel started status boot=1 host_deadline=$((deadline + boot_allowance))
  accel=$(choose_accel)
  started=$(date +%s%N)
  if [ "$interactive" = 1 ]; then build_qemu "$accel" 1; "${qemu[@]}"; return; fi
  # A scenario that leaves reboot-requested in the results gets one more
  # boot of the same disk (vfkeeper.boot=2); the earlier boot's logs are kept.
  while :; do
    build_qemu "$accel" "$boot"
    log "booting ($accel, $pf PF, $vfs VFs, boot $boot) for scenario $scenario, hard deadline ${host_deadline}s"
    timeout --kill-after=10 "$host_deadline" "${qemu[@]}" >"$results/qemu.log" 2>&1 &
    qpid=$!
    wait "$qpid" && status=0 || status=$?
    qpid=''
    [ -f "$results/reboot-requested" ] && [ "$boot" -lt 3 ] && [ "$(cat "$results/exit-status" 2>/dev/null)" = 0 ] || break
    keep_boot_logs "$boot"
    boot=$((boot + 1))
  done
  local wall=$(( ($(date +%s%N) - started) / 1000000 ))
  printf '{"accel":"%s","pf":"%s","vfs":%s,"boots":%s,"wallMs":%s,"qemuExit":%s}\n' "$accel" "$pf" "$vfs" "$boot" "$wall" "$status" >"$results/vm.json"
  if [ "$status" = 124 ] || [ "$status" = 137 ]; then log "host deadline passed: QEMU stopped"; fi
  if [ ! -f "$results/exit-status" ] || [ -f "$results/reboot-requested" ]; then
    log "no exit status from the guest's last boot; console: $results/console.log"
    tail -n 20 "$results/console.log" >&2 || true
    exit 125
  fi
  status=$(<"$results/exit-status")
  is_uint "$status" || { log "bad exit status '$status' from the guest"; exit 125; }
  log "scenario $scenario exited with $status after $((wall / 1000)) s (results: $results)"
  exit "$status"
}

# The logs of boot N as boot<N>-*, before the next boot writes its own.
keep_boot_logs() {
  local f
  for f in console.log output.log journal.txt launch.json qemu.log; do
    [ -f "$results/$f" ] && mv "$results/$f" "$results/boot$1-$f"
  done
  rm -f "$results/exit-status" "$results/reboot-requested"
}

main "$@"
