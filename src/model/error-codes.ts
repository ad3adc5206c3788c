// Every error code vfkeeper uses, in one union: a code is matched with
// `===` against a name the compiler knows, never with a pattern, and a new
// code is added here (and, where it is logged, to units/vfkeeper.catalog).
// Two families carry the errno they stand for: ERR_SYSFS_<ERRNO> (a sysfs
// access the kernel refused) and ERR_CHOWN_<ERRNO>.
export type ErrorCode =
  | `ERR_SYSFS_${string}`
  | `ERR_CHOWN_${string}`
  // The real-kernel suite's harness (test/e2e) reports its own failures with these.
  | `ERR_E2E_${string}`
  | 'ERR_BIND_FAILED'
  | 'ERR_CODE_CACHE'
  | 'ERR_CONFIG'
  | 'ERR_CONFIG_UDEV_VALUE'
  | 'ERR_CONTROL_ACCESS'
  | 'ERR_CONTROL_REPLY'
  | 'ERR_CONTROL_REQUEST'
  | 'ERR_CONTROL_SOCKET'
  | 'ERR_CONTROL_SOCKET_BUSY'
  | 'ERR_CONTROL_SOCKET_PATH'
  | 'ERR_CONTROL_TIMEOUT'
  | 'ERR_DBUS_CONNECT'
  | 'ERR_DBUS_LOST'
  | 'ERR_DBUS_PROXY'
  | 'ERR_DBUS_REPLY'
  | 'ERR_DBUS_TIMEOUT'
  | 'ERR_DRIVER_NOT_LOADED'
  | 'ERR_EMULATOR_NO_SOCKET'
  | 'ERR_EMULATOR_PATH'
  | 'ERR_EMULATOR_START'
  | 'ERR_EMULATOR_STOPPED'
  | 'ERR_EMULATOR_VM'
  | 'ERR_FIRMWARE_DIR'
  | 'ERR_FIRMWARE_LINK'
  | 'ERR_FIRMWARE_LINKS'
  | 'ERR_FIRMWARE_NAME'
  | 'ERR_FIRMWARE_NOT_SRIOV'
  | 'ERR_FIRMWARE_UNKNOWN'
  | 'ERR_FORWARDER_ENCODE'
  | 'ERR_FORWARDER_MALFORMED'
  | 'ERR_FORWARDER_OFF'
  | 'ERR_FORWARDER_PENDING'
  | 'ERR_FORWARDER_REFUSED'
  | 'ERR_FORWARDER_REQUEST'
  | 'ERR_FORWARDER_TIMEOUT'
  | 'ERR_FORWARDER_UNREACHABLE'
  | 'ERR_GUARD_RELAYS_OBSERVED'
  | 'ERR_GUARD_RELAYS_UNKNOWN'
  | 'ERR_GUARD_VF_IN_USE'
  | 'ERR_GUARD_VM_CONNECTED'
  | 'ERR_GUARD_WORKLOAD_UNKNOWN'
  | 'ERR_HOOK_USAGE'
  | 'ERR_INTERNAL'
  | 'ERR_LOCKED'
  | 'ERR_MAN_SOURCE'
  | 'ERR_NETDEV_NAME'
  | 'ERR_NO_IOMMU_GROUP'
  | 'ERR_NO_PF_DRIVER'
  | 'ERR_PF_NETDEV_SETTLING'
  | 'ERR_VF_RATE_NO_CARRIER'
  | 'ERR_NO_RELAY'
  | 'ERR_NO_RELAY_NUMBER'
  | 'ERR_NO_SUCH_GROUP'
  | 'ERR_NO_SUCH_USER'
  | 'ERR_NO_VF_MAC'
  | 'ERR_OBSERVE'
  | 'ERR_OWNER_SPEC'
  | 'ERR_PAUSED'
  | 'ERR_PCI_ADDRESS'
  | 'ERR_PROGRAM'
  | 'ERR_REAL_SYSFS_FORBIDDEN'
  | 'ERR_REAL_SYSFS_NOT_MEANT'
  | 'ERR_RELAY_NUMBERS'
  | 'ERR_RULE_UNMATCHED'
  | 'ERR_SIM_NO_VF'
  | 'ERR_SIM_STATE'
  | 'ERR_SOCKET_DIR'
  | 'ERR_SOCKET_OWNER'
  | 'ERR_STRAY_VFS'
  | 'ERR_SYSFS_PARSE'
  | 'ERR_SYSFS_PATH'
  | 'ERR_SYSFS_TIMEOUT'
  | 'ERR_STATIC_VFS'
  | 'ERR_STATIC_VF_OVERLAP'
  | 'ERR_GUARD_STATIC_VF'
  | 'ERR_GUARD_STATIC_UNKNOWN'
  | 'ERR_TOOL_FAILED'
  | 'ERR_TOOL_OUTPUT'
  | 'ERR_USAGE'
  | 'ERR_VF_INDEX'
  | 'ERR_VF_SETTING_UNSUPPORTED'
  | 'ERR_VFS_ABOVE_TOTAL'
  | 'ERR_WORKLOAD_SCAN';

const CODE = /^ERR_[A-Z0-9_]+$/;

/**
 * A code that crossed a process boundary (the daemon's reply on the control
 * socket): kept when it has a code's shape, the daemon being this same
 * program; anything else is the reply's own fault.
 */
export function parseErrorCode(text: unknown): ErrorCode {
  return typeof text === 'string' && CODE.test(text) ? (text as ErrorCode) : 'ERR_CONTROL_REPLY';
}
