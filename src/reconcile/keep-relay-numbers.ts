// The relay number record (relays: auto) is written before any relay is
// attached on a number: a number the forwarder carries is always one the
// record holds, so a crash between the two cannot give it out twice. When
// the record cannot be written, no relay is attached in that pass (the
// numbers would not be kept), and the run says why.
import type { Host } from '../host/types.js';
import { asVfkeeperError } from '../model/errors.js';
import type { Plan } from '../model/step.js';

export async function keepRelayNumbers(host: Host, p: Plan, dryRun: boolean): Promise<Plan> {
  if (p.relayNumbers === undefined || dryRun) return p;
  try {
    await host.relayNumbers.write(p.relayNumbers);
    return p;
  } catch (e) {
    const error = asVfkeeperError(e, 'ERR_RELAY_NUMBERS');
    return {
      steps: p.steps.filter((s) => s.kind !== 'attach-relay'),
      refusals: [
        ...p.refusals,
        {
          kind: 'blocked',
          pf: null,
          code: 'ERR_RELAY_NUMBERS',
          why: `No relay attached: the relay numbers given out could not be recorded (${error.message})`,
          hint: 'the state directory (/var/lib/vfkeeper, StateDirectory= of the unit) must be writable by vfkeeper',
        },
      ],
    };
  }
}
