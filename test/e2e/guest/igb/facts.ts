// What the igb scenario records for each of issue 14's scenarios (i1..i7),
// as zod schemas: the guest writes these facts into result.json, the host
// suite parses them and asserts on them.
import { z } from 'zod';
import { chainSchema, commandOutputSchema, journalEntriesSchema } from '../daemon/facts.js';

export const netSchema = z.object({
  /** The PF's netdev now (null: none). */
  netdev: z.string().nullable(),
  mtu: z.number().nullable(),
  /** IFF_UP, as `ip link` flags it. */
  up: z.boolean(),
  operstate: z.string().nullable(),
  /** The vf list of `ip -j -d link show PF`: each VF's administrative MAC, by index. */
  vfMacs: z.array(z.string()),
});

export const stateSchema = z.object({ chain: chainSchema, net: netSchema });

/** What NetworkManager shows and logged about VF netdevs (`enp1s0v*`, `eth*`). */
export const nmSchema = z.object({
  devices: z.string(),
  connections: z.string(),
  /** NetworkManager's journal lines naming a VF netdev. */
  vfLines: z.array(z.string()),
});

export const i1Schema = z.object({
  state: stateSchema,
  /** Guest uptime when the chain was first seen converged. */
  convergedAtUptimeMs: z.number(),
  unit: z.record(z.string(), z.string()),
  status: z.unknown(),
  statusCommand: commandOutputSchema,
  /** `vfkeeper libvirt-xml --virtio-id N` for relays 1 and 7. */
  libvirtXml: z.array(commandOutputSchema),
  nm: nmSchema,
  entries: journalEntriesSchema,
});

export const repairSchema = z.object({
  /** What was done to the PF ("modprobe -r igb && modprobe igb", "remove + rescan, match pci"). */
  what: z.string(),
  state: stateSchema,
  ms: z.number(),
  entries: journalEntriesSchema,
});

export const i2Schema = repairSchema;
export const i3Schema = z.object({ rounds: z.array(repairSchema) });

export const i4Schema = z.object({
  /** The hook runs once networkd made the PF routable. */
  startEntries: journalEntriesSchema,
  /** MTU put back by a run that the hook woke (ip link set mtu 1500, networkctl reconfigure). */
  mtu: repairSchema,
  /** sriov_numvfs 0 by hand: the daemon re-creates the VFs (the PF resets), then everything goes quiet. */
  reset: repairSchema,
  /** networkd-dispatcher's own runs of the hook in that window, from its journal. */
  quietAfterMs: z.number(),
});

export const i5Schema = z.object({
  /** nmcli device down, then up: the NM hook wakes the daemon, which puts the MTU back. */
  downUp: repairSchema,
  nm: nmSchema,
});

export const i6Schema = z.object({
  unitState: z.string(),
  repair: repairSchema,
  /** Every vfkeeper entry of the window (no unit: the hook's own process). */
  allEntries: journalEntriesSchema,
  /** What `journalctl -u vfkeeper.service` shows of the same window. */
  underUnit: journalEntriesSchema,
});

export const i7Schema = z.object({
  holder: z.object({ pid: z.number(), comm: z.string(), node: z.string(), vf: z.string() }),
  refusalEntries: journalEntriesSchema,
  reconcile: commandOutputSchema,
  afterRefusal: stateSchema,
  released: repairSchema,
  catalog: z.string(),
});

/** Each VF's settings as `ip -j -d link show` reports them (parse-vf-info.ts). */
const vfSettingsSchema = z.array(
  z.object({
    vf: z.number(),
    vlan: z.object({ id: z.number(), qos: z.number(), proto: z.enum(['802.1Q', '802.1ad']) }),
    spoofchk: z.boolean().nullable(),
    trust: z.boolean().nullable(),
    linkState: z.enum(['auto', 'enable', 'disable']).nullable(),
    rate: z.object({ max: z.number(), min: z.number() }),
    queryRss: z.boolean().nullable(),
  }),
);

export const i8Schema = z.object({
  applied: vfSettingsSchema,
  /** The driver's refusal of link_state, as the daemon logged it. */
  warnings: journalEntriesSchema,
  reload: repairSchema,
  restored: vfSettingsSchema,
  /** Warnings in the whole window: once per PF, driver and setting, also across the reload. */
  warningCount: z.number(),
});

export type NetFacts = z.infer<typeof netSchema>;
export type VfSettingsFacts = z.infer<typeof vfSettingsSchema>;
export type I8Facts = z.infer<typeof i8Schema>;
export type StateFacts = z.infer<typeof stateSchema>;
export type NmFacts = z.infer<typeof nmSchema>;
export type RepairFacts = z.infer<typeof repairSchema>;
export type I1Facts = z.infer<typeof i1Schema>;
export type I4Facts = z.infer<typeof i4Schema>;
export type I5Facts = z.infer<typeof i5Schema>;
export type I6Facts = z.infer<typeof i6Schema>;
export type I7Facts = z.infer<typeof i7Schema>;
