// The package scenario (issue 13): the .deb the host built, through apt and
// dpkg on the guest's real kernel with its NVMe PF and the emulated
// forwarder: lintian, install, upgrade to a newer build, remove, purge; then the
// Ansible role on the same guest. The forwarder runs from the project (it
// must outlive the package); the site's drop-in is in place before the
// package, as configuration management puts it. The first failure ends the
// scenario (each part expects what the one before left).
import { basename, join } from 'node:path';
import { mkdir, writeFile } from 'node:fs/promises';
import { createZmqForwarder } from '../../../../src/dataplane/zmq-forwarder.js';
import { VfkeeperError } from '../../../../src/model/errors.js';
import { recorderFor, type Recorder } from '../lib/recorder.js';
import { parseScenarioEnv, type ScenarioEnv } from '../lib/scenario-env.js';
import { assertInE2eGuest } from '../lib/sysfs.js';
import { startUdevMonitor } from '../lib/udev-monitor.js';
import { FORWARDER_DIR, FORWARDER_ENDPOINTS, formatConfig, startForwarder } from '../lib/vfkeeper-install.js';
import { runAnsible } from '../package/ansible.js';
import { DROP_IN, type Deb, type PackageContext } from '../package/context.js';
import { runInstall, runPurge, runRemove, runUpgrade } from '../package/lifecycle.js';
import { runLintian } from '../package/lintian.js';

/** run-vm.sh --param deb_old=FILE --param deb_new=FILE: in the project's .e2e/debs. */
function readDeb(env: ScenarioEnv, key: 'OLD' | 'NEW'): Deb {
  const file = process.env[`VFKEEPER_E2E_DEB_${key}`] ?? '';
  const m = /^vfkeeper_([^_]+)_[a-z0-9]+\.deb$/.exec(file);
  if (m?.[1] === undefined || basename(file) !== file) {
    throw new VfkeeperError('ERR_E2E_ENV', `VFKEEPER_E2E_DEB_${key} must name a vfkeeper_VERSION_ARCH.deb, not '${file}'`);
  }
  return { path: join(env.projectDir, '.e2e/debs', file), version: m[1] };
}

async function setUp(env: ScenarioEnv, rec: Recorder): Promise<void> {
  await rec.step('running in the end-to-end guest', assertInE2eGuest);
  await rec.step('the emulated forwarder running as virtio-forwarder.service, from the project', () =>
    startForwarder(180_000, `/usr/bin/node ${env.projectDir}/dist/bundle/main.js forwarder-emulator --dir ${FORWARDER_DIR}`),
  );
  await rec.step(`the site's drop-in ${DROP_IN} in place before the package`, async () => {
    await mkdir('/etc/vfkeeper/conf.d', { recursive: true });
    await writeFile(DROP_IN, formatConfig('max'));
  });
  // Under TCG on a busy machine node alone takes a minute to start, and
  // READY=1 comes after the first full reconcile: systemd's default 90 s
  // start timeout killed a daemon that had converged (first run of this
  // scenario). The administrator's drop-in, as on any slow host.
  await rec.step('a drop-in giving vfkeeper.service 10 minutes to start (TCG)', async () => {
    await mkdir('/etc/systemd/system/vfkeeper.service.d', { recursive: true });
    await writeFile('/etc/systemd/system/vfkeeper.service.d/e2e-slow-start.conf', '[Service]\nTimeoutStartSec=600\n');
  });
}

async function main(): Promise<number> {
  const env = parseScenarioEnv(process.env);
  const rec = recorderFor(env);
  const forwarder = createZmqForwarder(FORWARDER_ENDPOINTS, { retries: 0 });
  let passed = false;
  try {
    const debs = { old: readDeb(env, 'OLD'), new: readDeb(env, 'NEW') };
    rec.fact('debs', debs);
    await setUp(env, rec);
    const udev = await startUdevMonitor(['pci'], 60_000);
    try {
      const ctx: PackageContext = { env, rec, udev, forwarder, count: env.vfs, debs };
      await runLintian(ctx);
      const chain = await runInstall(ctx);
      await runUpgrade(ctx, chain);
      await runRemove(ctx, chain);
      await runPurge(ctx);
      await runAnsible(ctx);
      passed = true;
    } finally {
      udev.stop();
    }
  } catch (e) {
    // A failing step is recorded by the recorder; anything else is printed.
    console.log(`package scenario: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    await forwarder.close();
  }
  return (await rec.writeResult(passed)).passed ? 0 : 1;
}

process.exitCode = await main();
