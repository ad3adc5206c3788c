// One readable sentence per step and outcome, naming its subject:
// "Bound 0000:02:08.3 to vfio-pci (was nfp_netvf)". Pure.
import { vfSettingChangeOf, type Step } from '../model/step.js';
import { formatVfSetting } from '../model/vf-settings.js';

export interface StepWords {
  /** After success: "Bound 0000:02:08.3 to vfio-pci (was nfp_netvf)". */
  done: string;
  /** The action, lower case: "bind 0000:02:08.3 to vfio-pci". */
  todo: string;
}

export function describeStep(step: Step, detail?: string): StepWords {
  switch (step.kind) {
    case 'set-link-up':
      return { done: `Set ${step.netdev} (${step.pf}) up`, todo: `set ${step.netdev} (${step.pf}) up` };
    case 'set-mtu':
      return {
        done: `Set the MTU of ${step.netdev} to ${step.to} (was ${step.from})`,
        todo: `set the MTU of ${step.netdev} to ${step.to}`,
      };
    case 'set-autoprobe':
      return {
        done: `Turned sriov_drivers_autoprobe of ${step.pf} ${step.to ? 'on' : 'off'}`,
        todo: `turn sriov_drivers_autoprobe of ${step.pf} ${step.to ? 'on' : 'off'}`,
      };
    case 'set-numvfs':
      return {
        done: `Set sriov_numvfs of ${step.pf} to ${step.to} (was ${step.from})`,
        todo: `set sriov_numvfs of ${step.pf} to ${step.to}`,
      };
    case 'load-module':
      return { done: `Loaded the ${step.module} module`, todo: `load the ${step.module} module` };
    case 'set-vf-mac':
      return {
        done: `Set the MAC of VF ${step.index} (${step.vf}) to ${step.to}`,
        todo: `set the MAC of VF ${step.index} (${step.vf}) to ${step.to}`,
      };
    case 'set-vf-vlan':
    case 'set-vf-spoofchk':
    case 'set-vf-trust':
    case 'set-vf-link-state':
    case 'set-vf-rate':
    case 'set-vf-query-rss': {
      const change = vfSettingChangeOf(step);
      const what = change === null ? step.kind : formatVfSetting(change);
      return { done: `Set ${what} on VF ${step.index} (${step.vf})`, todo: `set ${what} on VF ${step.index} (${step.vf})` };
    }
    case 'bind-driver':
      return { done: `Bound ${step.vf} to ${step.to} (was ${detail ?? step.from ?? 'unbound'})`, todo: `bind ${step.vf} to ${step.to}` };
    case 'attach-relay':
      return { done: `Attached ${step.vf} to relay ${step.virtioId}`, todo: `attach ${step.vf} to relay ${step.virtioId}` };
    case 'detach-relay':
      return {
        done: `Detached ${step.vf ?? 'nothing'} from relay ${step.virtioId}`,
        todo: `detach ${step.vf ?? 'nothing'} from relay ${step.virtioId}`,
      };
    case 'chown-socket':
      return { done: `Gave ${step.path} to ${step.owner}`, todo: `give ${step.path} to ${step.owner}` };
    case 'repoint-firmware-link':
      return {
        done: `Re-pointed firmware link ${step.dir}/${step.name} to ${step.to} (was ${step.from})`,
        todo: `re-point firmware link ${step.dir}/${step.name} to ${step.to}`,
      };
  }
}
