// What every part of the igb scenario shares: the PF (QEMU 10's igb, an
// Intel 82576: 7 VFs at offset 128, stride 2), its netdev as iproute2 and
// sysfs show it, and the whole chain an operator checks: VFs on vfio-pci
// with their relays (lib/chain.ts), the PF up at MTU 9216, and each VF's
// administrative MAC as `ip -j -d link show PF` lists it.
import { readdir } from 'node:fs/promises';
import { z } from 'zod';
import type { Forwarder } from '../../../../src/dataplane/types.js';
import { isConverged, readChainState, type ChainState } from '../lib/chain.js';
import { runChecked } from '../lib/exec.js';
import type { Recorder } from '../lib/recorder.js';
import type { ScenarioEnv } from '../lib/scenario-env.js';
import { devicePath, isPresent } from '../lib/sysfs.js';
import { readElapsedMs, waitFor } from '../lib/wait.js';
import type { NetFacts } from './facts.js';

export const PF = '0000:01:00.0';
export const PF_NETDEV = 'enp1s0';
export const MTU = 9216;
export const UNIT = 'vfkeeper.service';
export const WAIT_MS = 180_000;

export interface IgbContext {
  env: ScenarioEnv;
  rec: Recorder;
  forwarder: Forwarder;
  /** VFs wanted now (7 with vfs: max). */
  count: number;
  /** The stable MAC of each VF index, as the first converged state showed them. */
  macs: string[];
}

/** The part of `ip -j -d link show` read here (iproute2 6.1). */
const ipLinkSchema = z.array(
  z.object({
    mtu: z.number(),
    flags: z.array(z.string()),
    operstate: z.string(),
    vfinfo_list: z.array(z.object({ vf: z.number(), address: z.string() })).optional(),
  }),
);
const NO_NET: NetFacts = { netdev: null, mtu: null, up: false, operstate: null, vfMacs: [] };

/** The PF's netdev as the kernel names it now (udev renames eth0 to enp1s0), or null. */
export async function readPfNetdev(): Promise<string | null> {
  const names = await readdir(devicePath(PF, 'net')).catch(() => []);
  return names[0] ?? null;
}

/** `ip -j -d link show PF`: MTU, up, and the vf list's MACs by VF index. */
export async function readNet(): Promise<NetFacts> {
  const netdev = await readPfNetdev();
  if (netdev === null) return NO_NET;
  const { stdout } = await runChecked(['ip', '-j', '-d', 'link', 'show', 'dev', netdev], { timeoutMs: 20_000 });
  const link = ipLinkSchema.parse(JSON.parse(stdout))[0];
  if (link === undefined) return { ...NO_NET, netdev };
  const vfMacs = [...(link.vfinfo_list ?? [])].sort((a, b) => a.vf - b.vf).map((v) => v.address);
  return { netdev, mtu: link.mtu, up: link.flags.includes('UP'), operstate: link.operstate, vfMacs };
}

export interface IgbState {
  chain: ChainState;
  net: NetFacts;
}

/** Converged as configured: the chain, the PF up at 9216 under its udev name, and every VF with the stable MAC. */
export function isIgbConverged(s: IgbState, count: number, macs: readonly string[]): boolean {
  if (!isConverged(s.chain, count)) return false;
  if (s.net.netdev !== PF_NETDEV || s.net.mtu !== MTU || !s.net.up || s.net.vfMacs.length !== count) return false;
  return macs.length === 0 ? s.net.vfMacs.every((m) => m !== '00:00:00:00:00:00') : s.net.vfMacs.every((m, i) => m === macs[i]);
}

export async function readIgbState(forwarder: Forwarder): Promise<IgbState> {
  const chain = await readChainState(PF, forwarder);
  // The netdev can go between the two reads (a removal, a rename): not there.
  const net = chain.pfPresent ? await readNet().catch(() => NO_NET) : NO_NET;
  return { chain, net };
}

/** Polls until the whole chain is as configured; the time counts from `since`. */
export async function waitForIgbConverged(ctx: IgbContext, since: number, timeoutMs = WAIT_MS): Promise<{ state: IgbState; ms: number }> {
  let last: IgbState | undefined;
  try {
    const state = await waitFor(
      async () => {
        last = await readIgbState(ctx.forwarder);
        return isIgbConverged(last, ctx.count, ctx.macs) ? last : undefined;
      },
      { what: `${ctx.count} VFs of ${PF} on vfio-pci with relays, ${PF_NETDEV} up at MTU ${MTU}, the stable VF MACs`, timeoutMs, intervalMs: 200 },
    );
    return { state, ms: readElapsedMs(since) };
  } catch (e) {
    throw new Error(`${e instanceof Error ? e.message : String(e)}; last seen: ${JSON.stringify(last?.net)} numvfs ${String(last?.chain.numvfs)} drivers ${String(last?.chain.vfs.map((v) => v.driver).join(','))}`);
  }
}

/** Waits until the PF's device is gone from sysfs. */
export function waitForPfGone(timeoutMs: number): Promise<true> {
  return waitFor(async () => ((await isPresent(devicePath(PF))) ? undefined : true), { what: `${PF} gone`, timeoutMs, intervalMs: 100 });
}

export function runIp(args: readonly string[]): Promise<unknown> {
  return runChecked(['ip', ...args], { timeoutMs: 30_000 });
}
