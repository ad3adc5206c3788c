// The daemon's event sources, started and stopped together: udev (or the
// simulated kernel's events), the forwarder's unit over D-Bus, and file
// watches on the configuration, firmware and socket directories and the
// forwarder's environment file.
import { resolve } from 'node:path';
import { DEFAULT_CONFIG_PATH } from '../config/load-config.js';
import { FileWatcher, configWatchTarget, fileWatchTarget } from '../events/files.js';
import { followSimKernel } from '../events/sim-udev.js';
import { UnitWatcher } from '../events/systemd.js';
import { UdevSource } from '../events/udev.js';
import { physfnReader } from '../events/udev-physfn.js';
import type { WakeEvent } from '../events/types.js';
import type { Host } from '../host/types.js';
import type { Logger } from '../journal/types.js';
import type { Config } from '../model/config.js';

export interface Sources {
  stop(): Promise<void>;
}

export interface SourceOptions {
  host: Host;
  config: Config;
  configPath: string | undefined;
  logger: Logger;
  emit: (e: WakeEvent) => void;
  env: NodeJS.ProcessEnv;
  /** Follow the forwarder's unit over D-Bus (off for the demo, which has no systemd). */
  unitWatch?: boolean;
}

export async function startSources(o: SourceOptions): Promise<Sources> {
  const stops: Array<() => Promise<void> | void> = [];
  if (o.host.simulation !== null) stops.push(followSimKernel(o.host.simulation, o.emit));
  // VFKEEPER_UDEVADM: a test feeds recorded `udevadm monitor` output through the real parser.
  const udevadm = o.env['VFKEEPER_UDEVADM'];
  if (o.host.kind === 'real' || udevadm !== undefined) {
    const udev = new UdevSource({
      command: udevadm ?? 'udevadm',
      onEvent: o.emit,
      logger: o.logger,
      readPhysfn: physfnReader(o.host.sysfs),
      onGap: () => o.emit({ source: 'timer', kind: 'resync' }),
    });
    await udev.start();
    stops.push(() => udev.stop());
  }
  if (o.config.forwarder.enabled && o.unitWatch !== false) {
    const unit = new UnitWatcher({ unit: o.config.forwarder.unit, onEvent: o.emit, logger: o.logger, env: o.env });
    await unit.start();
    stops.push(() => unit.stop());
  }
  const files = new FileWatcher({
    logger: o.logger,
    onEvent: o.emit,
    targets: [
      configWatchTarget(resolve(o.configPath ?? DEFAULT_CONFIG_PATH)),
      { kind: 'firmware', dir: o.config.firmware.dir },
      { kind: 'sockets', dir: o.config.forwarder.socketDir },
      // VIRTIOFWD_STATIC_VFS: a VF the forwarder takes (or gives back) changes what vfkeeper may touch.
      ...(o.config.forwarder.enabled ? [fileWatchTarget('forwarder-env', o.config.forwarder.envFile)] : []),
    ],
  });
  await files.start();
  stops.push(() => files.stop());
  return {
    async stop() {
      for (const stop of stops.reverse()) await stop();
    },
  };
}
