// The configuration file's schema (snake_case, as operators write YAML).
// Every key is optional: sections left out keep their defaults. Unknown keys
// are errors, so a typo is reported instead of silently ignored.
// zod/mini, not zod's classic API: the same checks and issues (one core),
// but no methods built onto every schema, which made loading this module
// the largest part of `status` without a daemon (bench/RESULTS.md).
import '../model/zod-english.js';
import * as z from 'zod/mini';
import { isPciAddress } from '../model/pci.js';
import { MAX_VIRTIO_ID, MIN_VIRTIO_ID } from '../model/relay-number.js';

const RELAY_MESSAGE = `expected a relay number from ${MIN_VIRTIO_ID} to ${MAX_VIRTIO_ID} (the forwarder's relays are 0..59)`;

const pci = z.string().check(z.refine(isPciAddress, { message: 'expected a PCI address like 0000:02:08.0 or 02:08.0' }));
const hex16 = z.string().check(z.regex(/^(0x)?[0-9a-fA-F]{1,4}$/, 'expected a 16-bit hex id like 19ee'));
const netdev = z.string().check(z.regex(/^[^\s/:]{1,15}$/, 'expected an interface name (1-15 characters, no spaces, "/" or ":")'));
const mac = z.string().check(z.regex(/^([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}$/, 'expected a MAC address like 1e:a3:32:f8:3e:83'));
const count = z.number({ message: 'expected a whole number' }).check(z.int('expected a whole number'), z.gte(0));
/** A whole number in [min, max], the message saying both bounds and the unit. */
const bounded = (min: number, max: number, unit: string) => {
  const message = `expected a whole number of ${unit} from ${min} to ${max}`;
  return z.number({ message }).check(z.int(message), z.gte(min, message), z.lte(max, message));
};
// sriov_totalvfs is a 16-bit field; the real bound (the PF's own total) is checked at plan time.
const MAX_VFS = 65535;
const VFS_MESSAGE = `expected a whole number from 0 to ${MAX_VFS} or "max"`;

const match = z
  .strictObject({
    netdev: z.optional(netdev),
    pci: z.optional(pci),
    id: z.optional(
      z.string().check(z.regex(/^[0-9a-fA-F]{1,4}(:[0-9a-fA-F]{1,4})?$/, 'expected "vendor:device" or "vendor" in hex, like "19ee:4000"')),
    ),
  })
  .check(
    z.refine((m) => [m.netdev, m.pci, m.id].filter((v) => v !== undefined).length === 1, {
      message: 'expected exactly one of netdev, pci or id',
    }),
  );

// VF settings (ip link set PF vf N ...): a key left out is left alone.
const VLAN_MESSAGE = 'expected a VLAN id between 0 and 4095';
const vlanId = z.number({ message: VLAN_MESSAGE }).check(z.int(VLAN_MESSAGE), z.gte(0, VLAN_MESSAGE), z.lte(4095, VLAN_MESSAGE));
const QOS_MESSAGE = 'expected a QoS priority between 0 and 7';
const vlan = z.union(
  [
    vlanId,
    z.strictObject({
      id: vlanId,
      qos: z.optional(z.number({ message: QOS_MESSAGE }).check(z.int(QOS_MESSAGE), z.gte(0, QOS_MESSAGE), z.lte(7, QOS_MESSAGE))),
      proto: z.optional(z.enum(['802.1Q', '802.1ad'], { message: 'expected "802.1Q" or "802.1ad"' })),
    }),
  ],
  { message: 'expected a VLAN id (0-4095) or { id, qos, proto }' },
);
const mbits = z
  .number({ message: 'expected a rate in Mbit/s (a whole number >= 0)' })
  .check(z.int('expected a whole number of Mbit/s'), z.gte(0));
const onOff = z.boolean({ message: 'expected true or false' });
const vfSettingsShape = {
  vlan: z.optional(vlan),
  spoofchk: z.optional(onOff),
  trust: z.optional(onOff),
  link_state: z.optional(z.enum(['auto', 'enable', 'disable'], { message: 'expected "auto", "enable" or "disable"' })),
  max_tx_rate: z.optional(mbits),
  min_tx_rate: z.optional(mbits),
  query_rss: z.optional(onOff),
};
export const vfSettingsSchema = z.strictObject(vfSettingsShape);
const vfOverride = z.strictObject({ index: count, ...vfSettingsShape });

const MTU_MESSAGE = 'expected an MTU between 68 and 65535';
export const pfSchema = z.strictObject({
  match,
  vfs: z.optional(
    z.union(
      [z.number({ message: VFS_MESSAGE }).check(z.int(VFS_MESSAGE), z.gte(0, VFS_MESSAGE), z.lte(MAX_VFS, VFS_MESSAGE)), z.literal('max')],
      {
        message: VFS_MESSAGE,
      },
    ),
  ),
  mtu: z.optional(z.number().check(z.int(), z.gte(68, MTU_MESSAGE), z.lte(65535, MTU_MESSAGE))),
  firmware: z.optional(z.enum(['sriov', 'any'], { message: 'expected "sriov" or "any"' })),
  vf_driver: z.optional(z.string().check(z.regex(/^[A-Za-z0-9_-]+$/, 'expected a driver name like vfio-pci'))),
  vf_macs: z.optional(
    z.union([z.enum(['derive', 'keep']), z.array(mac)], { message: 'expected "derive", "keep" or a list of MAC addresses' }),
  ),
  vf_settings: z.optional(vfSettingsSchema),
  vf_overrides: z.optional(z.array(vfOverride, { message: 'expected a list of { index: N, <settings> }' })),
});

const relayVf = z.union(
  [z.strictObject({ pf: z.string().check(z.minLength(1)), index: count.check(z.lte(MAX_VFS - 1)) }), z.strictObject({ pci })],
  { message: 'expected { pf: NETDEV-or-PCI, index: N } or { pci: ADDRESS }' },
);

// Relay numbers as the forwarder takes them (model/relay-number.ts).
const virtioId = z
  .number({ message: RELAY_MESSAGE })
  .check(z.int(RELAY_MESSAGE), z.gte(MIN_VIRTIO_ID, RELAY_MESSAGE), z.lte(MAX_VIRTIO_ID, RELAY_MESSAGE));
export const relaySchema = z.strictObject({ virtio_id: virtioId, vf: relayVf });

const endpoint = z
  .string()
  .check(z.regex(/^(ipc|tcp):\/\/.+/, 'expected a ZeroMQ endpoint like ipc:///var/run/virtio-forwarder/port_control'));
const owner = z.string().check(z.regex(/^[^:\s]+:[^:\s]+$/, 'expected "user:group", like libvirt-qemu:kvm'));
const absolutePath = z.string().check(z.startsWith('/', 'expected an absolute path'));

export const fileSchema = z.strictObject({
  pfs: z.optional(z.array(pfSchema, { message: 'expected a list of PF rules' })),
  relays: z.optional(
    z.union([z.literal('auto'), z.literal('observe'), z.array(relaySchema)], { message: 'expected "auto", "observe" or a list of relays' }),
  ),
  forwarder: z.optional(
    z.strictObject({
      enabled: z.optional(z.boolean()),
      unit: z.optional(z.string().check(z.regex(/^[\w@.:-]+\.service$/, 'expected a unit name like virtio-forwarder.service'))),
      port_control: z.optional(endpoint),
      stats: z.optional(endpoint),
      socket_dir: z.optional(absolutePath),
      socket_owner: z.optional(owner),
      // One request's deadline (the client retries once): a minute at most, so a run cannot hang on it.
      timeout_ms: z.optional(bounded(1, 60_000, 'milliseconds')),
      // The forwarder's own settings (VIRTIOFWD_STATIC_VFS): read, never written.
      env_file: z.optional(absolutePath),
      // How long a run's relay part waits for the forwarder's answer (the VF work never does): ten minutes at most.
      relay_deadline_ms: z.optional(bounded(1, 600_000, 'milliseconds')),
    }),
  ),
  firmware: z.optional(
    z.strictObject({
      dir: z.optional(absolutePath),
      flavour: z.optional(z.string().check(z.regex(/^[\w.-]+$/, 'expected a flavour directory name like nic-sriov'))),
      guard: z.optional(z.enum(['warn', 'fix', 'off'], { message: 'expected "warn", "fix" or "off"' })),
    }),
  ),
  daemon: z.optional(
    z.strictObject({
      resync_seconds: z.optional(bounded(1, 86_400, 'seconds')),
      write_timeout_ms: z.optional(bounded(1, 600_000, 'milliseconds')),
      metrics_file: z.optional(z.union([absolutePath, z.null()])),
    }),
  ),
});

export type ConfigFile = z.infer<typeof fileSchema>;
export const parseHex16 = (s: string): number => parseInt(s.replace(/^0x/i, ''), 16);
export { hex16 };
