// VF settings a PF's driver does not implement (it answered EOPNOTSUPP):
// remembered per PF, driver and setting, so the refusal is one warning
// naming the driver, not a failure retried every run. The memory lives with
// whoever runs the reconciler (the daemon keeps one for its lifetime; a
// one-shot `vfkeeper reconcile` its own), never in the pure planner, which
// only gets the keys to leave out.
import { Priority, type LogEntry } from '../journal/types.js';
import { messageIdFor } from '../journal/message-ids.js';
import type { VfkeeperError } from '../model/errors.js';
import { vfSettingChangeOf, type Refusal, type VfSettingStep } from '../model/step.js';
import { unsupportedKey } from '../model/vf-settings.js';
import type { RunIds } from './run-entries.js';

export class RefusedSettings {
  private readonly known = new Set<string>();

  /** The keys (unsupportedKey) the planner leaves out. */
  get keys(): ReadonlySet<string> {
    return this.known;
  }

  has(step: VfSettingStep): boolean {
    return this.known.has(keyOf(step));
  }

  /** true the first time this PF's driver refuses this setting. */
  remember(step: VfSettingStep): boolean {
    const key = keyOf(step);
    if (this.known.has(key)) return false;
    this.known.add(key);
    return true;
  }
}

function keyOf(step: VfSettingStep): string {
  return unsupportedKey(step.pf, step.driver, vfSettingChangeOf(step)?.setting ?? 'vlan');
}

export function unsupportedReason(step: VfSettingStep): string {
  return `${step.driver}, the driver of ${step.pf}, does not support it`;
}

/** The warning, as `reconcile` reports it with the run's refusals. */
export function unsupportedWarning(step: VfSettingStep, error: VfkeeperError): Refusal {
  const setting = vfSettingChangeOf(step)?.setting ?? step.kind;
  return {
    kind: 'warning',
    pf: step.pf,
    code: 'ERR_VF_SETTING_UNSUPPORTED',
    why: `The ${step.driver} driver of ${step.pf} (${step.netdev}) does not support the VF setting ${setting} (${error.context.errno ?? 'EOPNOTSUPP'}): left alone on its VFs`,
    hint: `remove ${setting} from this PF's vf_settings and vf_overrides; vfkeeper will not ask ${step.driver} again until it restarts`,
  };
}

export function unsupportedEntry(ids: RunIds, step: VfSettingStep, error: VfkeeperError): LogEntry {
  const warning = unsupportedWarning(step, error);
  return {
    priority: Priority.warning,
    message: warning.why,
    messageId: messageIdFor('vf-setting.unsupported'),
    fields: {
      VFKEEPER_RUN: ids.run,
      VFKEEPER_EVENT: ids.event,
      VFKEEPER_RESULT: 'warning',
      VFKEEPER_ERROR: warning.code,
      VFKEEPER_HINT: warning.hint,
      VFKEEPER_SETTING: vfSettingChangeOf(step)?.setting,
      VFKEEPER_DRIVER: step.driver,
      PCI_SLOT: step.pf,
      VF_PCI_SLOT: step.vf,
      NETDEV: step.netdev,
      ERRNO: error.context.errno ?? 'EOPNOTSUPP',
    },
  };
}
