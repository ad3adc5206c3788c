// What `vfkeeper firmware` prints: one line per link that is not right (and
// what was done about it), then what loads the fixed firmware.
import type { FirmwareLinkVerdict, FirmwarePlan } from '../../plan/plan-firmware.js';
import { FIRMWARE_RELOAD_COMMAND } from '../../model/firmware.js';
import type { InitramfsOutcome } from './firmware-initramfs.js';

export interface LinkOutcome {
  verdict: FirmwareLinkVerdict;
  /** ok: right already; kept: left alone; wrong: needs --fix; fixed / failed: what --fix did. */
  result: 'ok' | 'kept' | 'wrong' | 'fixed' | 'failed';
  error?: string;
}

const RELOAD_NOTE =
  `The driver was not reloaded: the next driver reload or reboot loads the fixed firmware ` +
  `(when no VF is in use: ${FIRMWARE_RELOAD_COMMAND}).`;

function describe(o: LinkOutcome, flavour: string): string | null {
  const v = o.verdict;
  const link = `${v.link.name} -> ${v.link.target}`;
  if (v.kind === 'external') return `outside  ${link}: outside the firmware directory, left alone`;
  if (v.kind === 'no-counterpart') {
    return `kept     ${link}: points into ${v.flavour}, but there is no ${flavour}/${v.link.name}; left alone`;
  }
  if (v.kind === 'ok') return null;
  if (o.result === 'fixed') return `fixed    ${v.link.name} -> ${v.want} (was ${v.link.target})`;
  if (o.result === 'failed') return `failed   ${link}: ${o.error ?? 'unknown error'}`;
  return `wrong    ${link}: points into ${v.flavour}, want ${v.want}`;
}

export function formatFirmwareHuman(plan: FirmwarePlan, outcomes: LinkOutcome[], fix: boolean): string {
  const lines: string[] = [];
  if (!plan.flavourPresent) {
    lines.push(`${plan.dir}/${plan.flavour}/ is missing: install the SR-IOV firmware (linux-firmware, or agilio-sriov-firmware)`);
  }
  for (const o of outcomes) {
    const line = describe(o, plan.flavour);
    if (line !== null) lines.push(line);
  }
  const count = (r: LinkOutcome['result']): number => outcomes.filter((o) => o.result === r).length;
  const wrong = count('wrong') + count('failed');
  lines.push(
    `${plan.dir}: ${outcomes.length} links, ${count('ok')} into ${plan.flavour}/, ${wrong} wrong, ` +
      `${count('fixed')} fixed, ${count('kept')} left alone`,
  );
  if (count('wrong') > 0 && !fix) lines.push('Run vfkeeper firmware --fix to re-point them.');
  if (count('fixed') > 0) lines.push(RELOAD_NOTE);
  return `${lines.join('\n')}\n`;
}

/** `initramfs` is null unless --initramfs was given. */
export function formatFirmwareJson(plan: FirmwarePlan, outcomes: LinkOutcome[], initramfs: InitramfsOutcome | null = null): string {
  const links = outcomes.map(({ verdict: v, result, error }) => ({
    name: v.link.name,
    target: v.link.target,
    kind: v.kind,
    flavour: v.kind === 'external' ? null : v.flavour,
    want: v.kind === 'repoint' ? v.want : null,
    result,
    ...(error === undefined ? {} : { error }),
  }));
  const fixed = outcomes.some((o) => o.result === 'fixed');
  const { dir, flavour, flavourPresent } = plan;
  const doc = { dir, flavour, flavourPresent, links, driverReloaded: false, reload: fixed ? FIRMWARE_RELOAD_COMMAND : null, initramfs };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
