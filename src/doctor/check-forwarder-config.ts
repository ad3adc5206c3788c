// forwarder-mode: virtio-forwarder runs as the vhost-user server
// (VIRTIOFWD_VHOST_CLIENT blank in /etc/default/virtioforwarder).
// forwarder-ipc: its port control is on IPC (VIRTIOFWD_IPC_PORT_CONTROL set),
// at the endpoint vfkeeper is configured for, and the endpoint answers.
import { disabledInConfig, shortUnit } from './check-forwarder-unit.js';
import { readEnvFile } from './read-inputs.js';
import { fail, messageOf, pass, skip, type Check, type CheckResult, type DoctorContext } from './types.js';

function restart(ctx: DoctorContext): string {
  return `systemctl restart ${shortUnit(ctx.config.forwarder.unit)}`;
}

export const checkForwarderMode: Check = async (ctx) => {
  const off = disabledInConfig(ctx, 'forwarder-mode');
  if (off) return off;
  const env = await readEnvFile(ctx, ctx.config.forwarder.envFile);
  if (!env.ok) return skip('forwarder-mode', env.reason);
  const client = env.value.vars.get('VIRTIOFWD_VHOST_CLIENT');
  if (client === undefined)
    return pass('forwarder-mode', `${ctx.config.forwarder.envFile} leaves VIRTIOFWD_VHOST_CLIENT unset: server mode`);
  if (client === '') return pass('forwarder-mode', `VIRTIOFWD_VHOST_CLIENT is blank in ${ctx.config.forwarder.envFile}: server mode`);
  return fail(
    'forwarder-mode',
    `VIRTIOFWD_VHOST_CLIENT=${client} in ${ctx.config.forwarder.envFile}: client mode, so the forwarder hosts no sockets for the VMs`,
    `set "VIRTIOFWD_VHOST_CLIENT=" (blank) in ${ctx.config.forwarder.envFile}, then ${restart(ctx)}`,
  );
};

/** A failure in the forwarder's own IPC settings, or null when they are right. */
function judgeIpcSettings(ctx: DoctorContext, vars: Map<string, string>): CheckResult | null {
  const { portControl } = ctx.config.forwarder;
  if ((vars.get('VIRTIOFWD_IPC_PORT_CONTROL') ?? '') === '') {
    return fail(
      'forwarder-ipc',
      `VIRTIOFWD_IPC_PORT_CONTROL is ${vars.has('VIRTIOFWD_IPC_PORT_CONTROL') ? 'blank' : 'unset'} in ${ctx.config.forwarder.envFile}: ` +
        'port control goes through OVSDB',
      `set VIRTIOFWD_IPC_PORT_CONTROL=y in ${ctx.config.forwarder.envFile}, then ${restart(ctx)}`,
    );
  }
  const endpoint = vars.get('VIRTIOFWD_ZMQ_PORT_CONTROL_EP') ?? '';
  if (endpoint === '' || endpoint === portControl) return null;
  return fail(
    'forwarder-ipc',
    `the forwarder listens on ${endpoint} (VIRTIOFWD_ZMQ_PORT_CONTROL_EP) but vfkeeper is configured for ${portControl}`,
    `set forwarder.port_control: ${endpoint} in /etc/vfkeeper/vfkeeper.yaml ` +
      `(or VIRTIOFWD_ZMQ_PORT_CONTROL_EP=${portControl} in ${ctx.config.forwarder.envFile})`,
  );
}

export const checkForwarderIpc: Check = async (ctx) => {
  const off = disabledInConfig(ctx, 'forwarder-ipc');
  if (off) return off;
  const { portControl, unit } = ctx.config.forwarder;
  const env = await readEnvFile(ctx, ctx.config.forwarder.envFile);
  const wrong = env.ok ? judgeIpcSettings(ctx, env.value.vars) : null;
  if (wrong) return wrong;
  const setting = env.ok ? `VIRTIOFWD_IPC_PORT_CONTROL is set in ${ctx.config.forwarder.envFile}` : env.reason;
  if (ctx.probeForwarder === null) {
    const why = ctx.root === '/' ? 'no forwarder client given' : `the forwarder is only asked on the live host (root /, not ${ctx.root})`;
    return skip('forwarder-ipc', `${setting}; ${portControl} not probed: ${why}`);
  }
  try {
    await ctx.probeForwarder();
  } catch (e) {
    return fail(
      'forwarder-ipc',
      `${setting}; ${portControl} does not answer: ${messageOf(e)}`,
      `systemctl start ${shortUnit(unit)} (and see journalctl -fu ${shortUnit(unit)})`,
    );
  }
  return pass('forwarder-ipc', `${setting}; ${portControl} answers`);
};
