// Issue 13 on a real kernel: the .deb built here, installed, upgraded to a
// newer build, removed and purged by apt in the guest (NVMe PF, emulated
// forwarder), then contrib/ansible's role run there with a local
// connection. The guest checks each step as it goes (see
// guest/package/*.ts); this file builds the two packages and asserts that
// every step passed.
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { formatTimings } from './harness/format-timings.js';
import { PROJECT_DIR } from './harness/paths.js';
import { formatFailure, runScenario, type ScenarioRun } from './harness/run-scenario.js';
import { runScript } from './harness/spawn-script.js';
import { readVfCount } from './harness/vf-layout.js';

const N = readVfCount(process.env.VFKEEPER_E2E_VFS);
const DEB_DIR = join(PROJECT_DIR, '.e2e/debs');

/** `make deb DEB_VERSION=version` (gzip: faster to build and to unpack under TCG), moved into .e2e/debs. */
async function buildDeb(version: string): Promise<string> {
  const r = await runScript(
    'make',
    ['-C', PROJECT_DIR, '--no-print-directory', 'deb', `DEB_VERSION=${version}`, 'DPKG_DEB_FLAGS=-Zgzip -z1'],
    15 * 60_000,
  );
  const file = /vfkeeper_[^'\s/]+\.deb/.exec(
    r.stdout
      .split('\n')
      .reverse()
      .find((l) => l.includes('dpkg-deb')) ?? '',
  )?.[0];
  expect(r.status, r.stdout.slice(-2000)).toBe(0);
  expect(file, r.stdout.slice(-2000)).toBeDefined();
  await rename(join(PROJECT_DIR, file ?? ''), join(DEB_DIR, file ?? ''));
  return file ?? '';
}

const expectedSteps = [
  'lintian: no error and no warning on the .deb',
  'apt install',
  'installed: vfkeeper.service enabled and started',
  `installed: ${N} VFs of 0000:01:00.0 on vfio-pci, relays 1..${N} attached`,
  'installed: the journal has the daemon converging, with the catalog installed',
  'upgraded: the daemon restarted onto the new build, still enabled',
  'upgraded: the new daemon converged without a single step (nothing torn down or redone)',
  'upgraded: the same VFs, drivers, IOMMU groups and relays; no PCI udev event',
  'apt remove vfkeeper',
  'removed: the daemon stopped, the unit masked, the configuration kept',
  'removed: the VFs and relays left as they were',
  'apt purge vfkeeper',
  "purged: conffile, state, enablement and mask gone; the administrator's drop-in kept",
  'ansible: the first run installs, writes the drop-in, converges (changed)',
  'ansible: the second run changes nothing',
  'ansible: a changed variable rewrites the drop-in and reloads the daemon',
  'ansible: a bad variable fails at check-config, with nothing written or reloaded',
  'ansible: with the forwarder stopped the host cannot converge, and the play fails saying so',
];

let run: ScenarioRun;
let failure = '';

beforeAll(async () => {
  await rm(DEB_DIR, { recursive: true, force: true });
  await mkdir(DEB_DIR, { recursive: true });
  const version = (JSON.parse(await readFile(join(PROJECT_DIR, 'package.json'), 'utf8')) as { version: string }).version;
  const debOld = await buildDeb(version);
  const debNew = await buildDeb(`${version}+e2e1`);
  run = await runScenario('package', {
    image: inject('e2eImage'),
    vfs: N,
    deadlineSeconds: 3000,
    smp: 2,
    params: { deb_old: debOld, deb_new: debNew },
  });
  failure = await formatFailure(run);
  console.log(formatTimings(run));
}, 90 * 60_000);

describe(`package: the .deb through apt in the guest (${N} VFs), then the Ansible role`, () => {
  it('runs every step to the end and exits 0', () => {
    expect(
      run.result?.steps.filter((s) => !s.ok),
      failure,
    ).toEqual([]);
    expect(run.exitStatus, failure).toBe(0);
  });

  it.each(expectedSteps)('step passed: %s', (name) => {
    const step = run.result?.steps.find((s) => s.name.startsWith(name));
    expect(step, `step "${name}" did not run\n${failure}`).toBeDefined();
    expect(step?.ok, failure).toBe(true);
  });

  it('installs, upgrades and removes without apt or dpkg errors', () => {
    for (const key of ['installOutput', 'upgradeOutput', 'purgeOutput']) {
      const output = String(run.result?.facts[key] ?? '');
      expect(output, `${key}\n${failure}`).not.toMatch(/^(E:|dpkg: error)/m);
    }
  });
});
