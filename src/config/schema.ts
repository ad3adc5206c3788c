// The configuration file's schema (snake_case, as operators write YAML).
// Every key is optional: sections left out keep their defaults. Unknown keys
// are errors, so a typo is reported instead of silently ignored.
import { z } from 'zod';
import { isPciAddress } from '../model/pci.js';
import { MAX_VIRTIO_ID, MIN_VIRTIO_ID } from '../model/relay-number.js';

const RELAY_MESSAGE = `expected a relay number from ${MIN_VIRTIO_ID} to ${MAX_VIRTIO_ID} (the forwarder's relays are 0..59)`;

const pci = z.string().refine(isPciAddress, { message: 'expected a PCI address like 0000:02:08.0 or 02:08.0' });
const hex16 = z.string().regex(/^(0x)?[0-9a-fA-F]{1,4}$/, 'expected a 16-bit hex id like 19ee');
const netdev = z.string().regex(/^[^\s/:]{1,15}$/, 'expected an interface name (1-15 characters, no spaces, "/" or ":")');
const mac = z.string().regex(/^([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}$/, 'expected a MAC address like 1e:a3:32:f8:3e:83');
const count = z.number({ message: 'expected a whole number' }).int('expected a whole number').min(0);
/** A whole number in [min, max], the message saying both bounds and the unit. */
const bounded = (min: number, max: number, unit: string) => {
  const message = `expected a whole number of ${unit} from ${min} to ${max}`;
  return z.number({ message }).int(message).min(min, message).max(max, message);
};
// sriov_totalvfs is a 16-bit field; the real bound (the PF's own total) is checked at plan time.
const MAX_VFS = 65535;
const VFS_MESSAGE = `expected a whole number from 0 to ${MAX_VFS} or "max"`;

const match = z
  .object({
    netdev: netdev.optional(),
    pci: pci.optional(),
    id: z
      .string()
      .regex(/^[0-9a-fA-F]{1,4}(:[0-9a-fA-F]{1,4})?$/, 'expected "vendor:device" or "vendor" in hex, like "19ee:4000"')
      .optional(),
  })
  .strict()
  .refine((m) => [m.netdev, m.pci, m.id].filter((v) => v !== undefined).length === 1, {
    message: 'expected exactly one of netdev, pci or id',
  });

// VF settings (ip link set PF vf N ...): a key left out is left alone.
const vlanId = z
  .number({ message: 'expected a VLAN id between 0 and 4095' })
  .int('expected a VLAN id between 0 and 4095')
  .min(0, 'expected a VLAN id between 0 and 4095')
  .max(4095, 'expected a VLAN id between 0 and 4095');
const vlan = z.union(
  [
    vlanId,
    z
      .object({
        id: vlanId,
        qos: z
          .number({ message: 'expected a QoS priority between 0 and 7' })
          .int('expected a QoS priority between 0 and 7')
          .min(0, 'expected a QoS priority between 0 and 7')
          .max(7, 'expected a QoS priority between 0 and 7')
          .optional(),
        proto: z.enum(['802.1Q', '802.1ad'], { message: 'expected "802.1Q" or "802.1ad"' }).optional(),
      })
      .strict(),
  ],
  { message: 'expected a VLAN id (0-4095) or { id, qos, proto }' },
);
const mbits = z.number({ message: 'expected a rate in Mbit/s (a whole number >= 0)' }).int('expected a whole number of Mbit/s').min(0);
const onOff = z.boolean({ message: 'expected true or false' });
const vfSettingsShape = {
  vlan: vlan.optional(),
  spoofchk: onOff.optional(),
  trust: onOff.optional(),
  link_state: z.enum(['auto', 'enable', 'disable'], { message: 'expected "auto", "enable" or "disable"' }).optional(),
  max_tx_rate: mbits.optional(),
  min_tx_rate: mbits.optional(),
  query_rss: onOff.optional(),
};
export const vfSettingsSchema = z.object(vfSettingsShape).strict();
const vfOverride = z.object({ index: count, ...vfSettingsShape }).strict();

export const pfSchema = z
  .object({
    match,
    vfs: z
      .union([z.number({ message: VFS_MESSAGE }).int(VFS_MESSAGE).min(0, VFS_MESSAGE).max(MAX_VFS, VFS_MESSAGE), z.literal('max')], {
        message: VFS_MESSAGE,
      })
      .optional(),
    mtu: z.number().int().min(68, 'expected an MTU between 68 and 65535').max(65535, 'expected an MTU between 68 and 65535').optional(),
    firmware: z.enum(['sriov', 'any'], { message: 'expected "sriov" or "any"' }).optional(),
    vf_driver: z
      .string()
      .regex(/^[A-Za-z0-9_-]+$/, 'expected a driver name like vfio-pci')
      .optional(),
    vf_macs: z
      .union([z.enum(['derive', 'keep']), z.array(mac)], { message: 'expected "derive", "keep" or a list of MAC addresses' })
      .optional(),
    vf_settings: vfSettingsSchema.optional(),
    vf_overrides: z.array(vfOverride, { message: 'expected a list of { index: N, <settings> }' }).optional(),
  })
  .strict();

const relayVf = z.union([z.object({ pf: z.string().min(1), index: count.max(MAX_VFS - 1) }).strict(), z.object({ pci }).strict()], {
  message: 'expected { pf: NETDEV-or-PCI, index: N } or { pci: ADDRESS }',
});

// Relay numbers as the forwarder takes them (model/relay-number.ts).
const virtioId = z
  .number({ message: RELAY_MESSAGE })
  .int(RELAY_MESSAGE)
  .min(MIN_VIRTIO_ID, RELAY_MESSAGE)
  .max(MAX_VIRTIO_ID, RELAY_MESSAGE);
export const relaySchema = z.object({ virtio_id: virtioId, vf: relayVf }).strict();

const endpoint = z.string().regex(/^(ipc|tcp):\/\/.+/, 'expected a ZeroMQ endpoint like ipc:///var/run/virtio-forwarder/port_control');
const owner = z.string().regex(/^[^:\s]+:[^:\s]+$/, 'expected "user:group", like libvirt-qemu:kvm');

export const fileSchema = z
  .object({
    pfs: z.array(pfSchema, { message: 'expected a list of PF rules' }).optional(),
    relays: z
      .union([z.literal('auto'), z.literal('observe'), z.array(relaySchema)], { message: 'expected "auto", "observe" or a list of relays' })
      .optional(),
    forwarder: z
      .object({
        enabled: z.boolean().optional(),
        unit: z
          .string()
          .regex(/^[\w@.:-]+\.service$/, 'expected a unit name like virtio-forwarder.service')
          .optional(),
        port_control: endpoint.optional(),
        stats: endpoint.optional(),
        socket_dir: z.string().startsWith('/', 'expected an absolute path').optional(),
        socket_owner: owner.optional(),
        // One request's deadline (the client retries once): a minute at most, so a run cannot hang on it.
        timeout_ms: bounded(1, 60_000, 'milliseconds').optional(),
        // The forwarder's own settings (VIRTIOFWD_STATIC_VFS): read, never written.
        env_file: z.string().startsWith('/', 'expected an absolute path').optional(),
      })
      .strict()
      .optional(),
    firmware: z
      .object({
        dir: z.string().startsWith('/', 'expected an absolute path').optional(),
        flavour: z
          .string()
          .regex(/^[\w.-]+$/, 'expected a flavour directory name like nic-sriov')
          .optional(),
        guard: z.enum(['warn', 'fix', 'off'], { message: 'expected "warn", "fix" or "off"' }).optional(),
      })
      .strict()
      .optional(),
    daemon: z
      .object({
        resync_seconds: bounded(1, 86_400, 'seconds').optional(),
        write_timeout_ms: bounded(1, 600_000, 'milliseconds').optional(),
        metrics_file: z.union([z.string().startsWith('/', 'expected an absolute path'), z.null()]).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export type ConfigFile = z.infer<typeof fileSchema>;
export const parseHex16 = (s: string): number => parseInt(s.replace(/^0x/i, ''), 16);
export { hex16 };
