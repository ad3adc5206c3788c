// The firmware guard in a run: after a linux-firmware update the links in
// /lib/firmware/netronome point back at the `nic` flavour, and the next
// driver reload would load non-SR-IOV firmware. `warn` reports it once per
// run; `fix` re-points each link (one step each); the driver is never
// reloaded by vfkeeper. Pure.
import type { FirmwareConfig } from '../model/config.js';
import type { FirmwareTree } from '../model/firmware.js';
import type { Refusal, Step } from '../model/step.js';
import { planFirmwareLinks, planFirmwareRepoints } from './plan-firmware.js';

export function planFirmwareGuard(
  tree: FirmwareTree | null,
  config: FirmwareConfig,
  readError: string | null = null,
): { steps: Step[]; refusals: Refusal[] } {
  if (config.guard === 'off') return { steps: [], refusals: [] };
  if (readError !== null) {
    return {
      steps: [],
      refusals: [
        {
          kind: 'warning',
          pf: null,
          code: 'ERR_FIRMWARE_DIR',
          why: `The firmware links cannot be checked: ${readError}`,
          hint: 'check firmware.dir and its permissions, or set firmware.guard: off',
        },
      ],
    };
  }
  if (tree === null) return { steps: [], refusals: [] };
  const repoints = planFirmwareRepoints(planFirmwareLinks(tree, config.flavour));
  if (repoints.length === 0) return { steps: [], refusals: [] };
  if (config.guard === 'fix') {
    return {
      steps: repoints.map((r) => ({
        kind: 'repoint-firmware-link',
        dir: tree.dir,
        name: r.link.name,
        from: r.link.target,
        to: r.want,
        why: `it points at ${r.link.target}, not into ${config.flavour}/`,
      })),
      refusals: [],
    };
  }
  const names = repoints.map((r) => r.link.name);
  return {
    steps: [],
    refusals: [
      {
        kind: 'warning',
        pf: null,
        code: 'ERR_FIRMWARE_LINKS',
        why: `${names.length} firmware link(s) in ${tree.dir} point away from ${config.flavour}/ (${names.slice(0, 3).join(', ')}${names.length > 3 ? ', ...' : ''}): the next driver reload loads non-SR-IOV firmware`,
        hint:
          'run `vfkeeper firmware --fix` (or set firmware.guard: fix), then reload the driver when no VF is in use: modprobe -r nfp && modprobe nfp; ' +
          'when nfp is in the initramfs (vfkeeper doctor: initramfs), `vfkeeper firmware --fix --initramfs` so the next boot loads it too',
      },
    ],
  };
}
