// What vfkeeper's udev rules cost udev: `udevadm trigger --action=change`
// on the PF and its VFs, then `udevadm settle`, timed with the rules in
// place and with them removed, in alternating blocks (so drift in the
// guest's load hits both alike). `udevadm control --reload` only marks the
// rules stale: udevd reloads them on the next event, so each block starts
// with one trigger + settle that is not counted. The peers' rules
// (driverctl's) are timed the same way, with the action and devices those
// rules match (bench/peers.ts).
// Invariants: applyRulesBack() puts back every rules file that was there, with
// its text; the daemon is not running (its own runs would load the guest).
import { rm, readFile, writeFile } from 'node:fs/promises';
import { runChecked } from '../lib/exec.js';
import { devicePath, readVirtfns } from '../lib/sysfs.js';
import { applySettle, readInstant, readMsSince } from './hotplug.js';

/** Where `make install` and `vfkeeper udev-rules` put them (the one in /etc shadows /lib's). */
export const RULES_PATHS = ['/lib/udev/rules.d/70-vfkeeper.rules', '/etc/udev/rules.d/70-vfkeeper.rules'] as const;

export interface SettleSample {
  /** `udevadm trigger` spawned to `udevadm settle` returned. */
  totalMs: number;
  /** `udevadm settle` alone. */
  settleMs: number;
}

export interface SettleFigures {
  rulesPresent: string[];
  without: SettleSample[];
  with: SettleSample[];
}

export interface RulesFiles {
  applyRulesBack(): Promise<void>;
  applyRulesAway(): Promise<void>;
  present: string[];
}

/** Reads the rules files there are of `paths`, to take them away and put them back. */
export async function readRulesFiles(paths: readonly string[] = RULES_PATHS): Promise<RulesFiles> {
  const texts = new Map<string, string>();
  for (const path of paths) {
    const text = await readFile(path, 'utf8').catch(() => undefined);
    if (text !== undefined) texts.set(path, text);
  }
  const reload = () => runChecked(['udevadm', 'control', '--reload'], { timeoutMs: 30_000 });
  return {
    present: [...texts.keys()],
    async applyRulesBack() {
      for (const [path, text] of texts) await writeFile(path, text);
      await reload();
    },
    async applyRulesAway() {
      for (const path of texts.keys()) await rm(path, { force: true });
      await reload();
    },
  };
}

/** Whose rules, and the udev events timed: `action` on the PF, its VFs and `extraDevices` (sysfs paths). */
export interface SettleTarget {
  paths: readonly string[];
  action: 'change' | 'add';
  extraDevices?: () => Promise<string[]>;
}

/** vfkeeper's rules act on change events of the PF and its VFs too (a resync's trigger). */
export const VFKEEPER_SETTLE: SettleTarget = { paths: RULES_PATHS, action: 'change' };

async function runTriggerAndSettle(devices: readonly string[], action: string): Promise<SettleSample> {
  const t0 = readInstant();
  await runChecked(['udevadm', 'trigger', `--action=${action}`, ...devices], { timeoutMs: 30_000 });
  const t1 = readInstant();
  await applySettle();
  return { totalMs: readMsSince(t0), settleMs: readMsSince(t1) };
}

async function runBlock(devices: readonly string[], action: string, reps: number): Promise<SettleSample[]> {
  await runTriggerAndSettle(devices, action);
  const samples: SettleSample[] = [];
  for (let i = 0; i < reps; i++) samples.push(await runTriggerAndSettle(devices, action));
  return samples;
}

/** `rounds` x (without, with) blocks of `reps` samples each; the rules are in place at the end. */
export async function measureRulesSettle(pf: string, rounds: number, reps: number, target = VFKEEPER_SETTLE): Promise<SettleFigures> {
  const rules = await readRulesFiles(target.paths);
  const devices = [...[pf, ...(await readVirtfns(pf))].map((pci) => devicePath(pci)), ...((await target.extraDevices?.()) ?? [])];
  const figures: SettleFigures = { rulesPresent: rules.present, without: [], with: [] };
  try {
    for (let round = 0; round < rounds; round++) {
      await rules.applyRulesAway();
      figures.without.push(...(await runBlock(devices, target.action, reps)));
      await rules.applyRulesBack();
      figures.with.push(...(await runBlock(devices, target.action, reps)));
    }
  } finally {
    await rules.applyRulesBack();
  }
  return figures;
}
