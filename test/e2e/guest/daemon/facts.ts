// What the daemon scenario records for each of issue 8's scenarios (s1..s8),
// as zod schemas: the guest writes these facts into result.json, the host
// suite parses them (they cross a VM) and asserts on them.
import { z } from 'zod';

export const journalEntriesSchema = z.array(z.record(z.string(), z.string()));

export const chainSchema = z.object({
  pfPresent: z.boolean(),
  numvfs: z.number(),
  vfs: z.array(z.object({ pci: z.string(), driver: z.string().nullable(), iommuGroup: z.string().nullable(), vfioNode: z.boolean() })),
  relays: z.record(z.string(), z.string()).nullable(),
});

export const commandOutputSchema = z.object({ status: z.number().nullable(), stdout: z.string(), stderr: z.string() });

export const socketOwnersSchema = z.object({
  want: z.object({ uid: z.number(), gid: z.number() }),
  /** The directory and every socket in it. */
  checked: z.number(),
  /** Paths not owned by `want`. */
  wrong: z.array(z.string()),
});

export const udevSeenSchema = z.array(z.object({ action: z.string(), pci: z.string(), driver: z.string() }));

export const s1Schema = z.object({
  unit: z.record(z.string(), z.string()),
  /** The chain when `systemctl enable --now` returned (READY=1). */
  atReady: chainSchema,
  entries: journalEntriesSchema,
  status: z.unknown(),
  statusCommand: commandOutputSchema,
  sockets: socketOwnersSchema,
  autoprobe: z.string(),
  driverOverrides: z.record(z.string(), z.string()),
  devVfio: z.array(z.string()),
});

export const s3Schema = z.object({
  pidBefore: z.string(),
  pidAfter: z.string(),
  entries: journalEntriesSchema,
  sockets: socketOwnersSchema,
});

export const s4Schema = z.object({
  vf: z.string(),
  /** The hand-written bind to nvme: 'ok' or the errno. */
  nvmeBind: z.string(),
  udev: udevSeenSchema,
  entries: journalEntriesSchema,
  after: chainSchema,
});

export const s2Schema = z.object({
  /** The PCI port above the PF, removed with everything under it. */
  port: z.string(),
  removed: chainSchema,
  repaired: chainSchema,
  udev: udevSeenSchema,
  pfProperties: z.record(z.string(), z.string()),
  vfProperties: z.record(z.string(), z.string()),
  deviceUnit: z.string(),
  deviceWants: z.string(),
  unitBefore: z.record(z.string(), z.string()),
  unitAfter: z.record(z.string(), z.string()),
  /** The daemon's entries from the removal to the rescan, and from the rescan on. */
  removalEntries: journalEntriesSchema,
  repairEntries: journalEntriesSchema,
});

export const s5Schema = z.object({
  holder: z.object({ pid: z.number(), comm: z.string(), node: z.string(), vf: z.string() }),
  entries: journalEntriesSchema,
  reloadEntries: journalEntriesSchema,
  afterRefusal: chainSchema,
  reconcile: commandOutputSchema,
  status: z.unknown(),
  released: chainSchema,
  catalog: z.string(),
});

export const s8Schema = z.object({
  hooks: z.array(
    z
      .object({ path: z.string(), mode: z.string(), args: z.array(z.string()), env: z.record(z.string(), z.string()) })
      .extend(commandOutputSchema.shape),
  ),
  entries: journalEntriesSchema,
});

export const s7Schema = z.object({
  exposure: z.number().nullable(),
  security: commandOutputSchema,
  verify: commandOutputSchema,
  proc: z.record(z.string(), z.string()),
});

export const s2bSchema = z.object({
  /** VFs still there after the PF alone was removed (and after the rescan). */
  leftBehind: z.array(z.object({ pci: z.string(), driver: z.string().nullable(), physfn: z.string().nullable() })),
  rescanned: chainSchema,
  entries: journalEntriesSchema,
  kernel: z.array(z.string()),
  unit: z.record(z.string(), z.string()),
});

export const s6Schema = z.object({ before: z.string(), after: z.string(), entries: journalEntriesSchema });

export type ChainFacts = z.infer<typeof chainSchema>;
export type CommandOutput = z.infer<typeof commandOutputSchema>;
export type SocketOwners = z.infer<typeof socketOwnersSchema>;
export type UdevSeen = z.infer<typeof udevSeenSchema>;
export type S1Facts = z.infer<typeof s1Schema>;
export type S2Facts = z.infer<typeof s2Schema>;
export type S2bFacts = z.infer<typeof s2bSchema>;
export type S3Facts = z.infer<typeof s3Schema>;
export type S4Facts = z.infer<typeof s4Schema>;
export type S5Facts = z.infer<typeof s5Schema>;
export type S6Facts = z.infer<typeof s6Schema>;
export type S7Facts = z.infer<typeof s7Schema>;
export type S8Facts = z.infer<typeof s8Schema>;
