// One executor per step kind. The record's type makes the compiler prove
// that every kind of the Step union has one.
import type { Step, StepKind, StepOf } from '../model/step.js';
import { applyBindDriver } from './bind-driver.js';
import type { ActionContext, ActionResult } from './context.js';
import { applyAttachRelay, applyDetachRelay } from './relays.js';
import { applyChownSocket } from './chown-socket.js';
import { applyRepointFirmwareLink } from './firmware-link.js';
import { applySetAutoprobe, applySetNumVfs } from './sriov.js';
import { applyLoadModule, applySetLinkUp, applySetMtu, applySetVfMac } from './link.js';
import { applySetVfSetting } from './vf-settings.js';

type Executors = { [K in StepKind]: (step: StepOf<K>, ctx: ActionContext) => Promise<ActionResult> };

const executors: Executors = {
  'set-link-up': applySetLinkUp,
  'set-mtu': applySetMtu,
  'set-autoprobe': applySetAutoprobe,
  'set-numvfs': applySetNumVfs,
  'load-module': applyLoadModule,
  'set-vf-mac': applySetVfMac,
  'set-vf-vlan': applySetVfSetting,
  'set-vf-spoofchk': applySetVfSetting,
  'set-vf-trust': applySetVfSetting,
  'set-vf-link-state': applySetVfSetting,
  'set-vf-rate': applySetVfSetting,
  'set-vf-query-rss': applySetVfSetting,
  'bind-driver': applyBindDriver,
  'attach-relay': applyAttachRelay,
  'detach-relay': applyDetachRelay,
  'chown-socket': applyChownSocket,
  'repoint-firmware-link': applyRepointFirmwareLink,
};

export function applyStep(step: Step, ctx: ActionContext): Promise<ActionResult> {
  const run = executors[step.kind] as (s: Step, c: ActionContext) => Promise<ActionResult>;
  return run(step, ctx);
}
