// The alert rules against textfiles the daemon really wrote: the resident
// daemon on a simulated host (8 VFs, the emulated forwarder), its textfile
// read back, each metric the rules use found in it, and the samples fed to
// `promtool test rules` as one host's series: silent while the host is
// converged; forwarder down and relays detached, naming the PF, once the
// forwarder is gone. A metric renamed on either side fails here.
import { execFile, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DaemonRig } from '../../helpers/daemon.js';
import { waitFor } from '../../helpers/wait-for.js';
import { formatRuleTest, parseTextfile, readRuleMetricNames, type ExpectedAlert, type Sample } from './textfile.js';

const run = promisify(execFile);
const RULES = resolve('contrib/prometheus/vfkeeper-alerts.yml');
const PF = '0000:02:00.0';
const HOST = 'hv1:9100';

let rig: DaemonRig;
let prom = '';
beforeEach(() => {
  rig = new DaemonRig();
  prom = rig.t.path('vfkeeper.prom');
});
afterEach(() => rig.tearDown());

/** The next textfile the daemon writes after `since` (it writes at most every 5 s). */
async function readNextTextfile(since: string, done: (samples: Sample[]) => boolean, what: string): Promise<Sample[]> {
  let samples: Sample[] = [];
  await waitFor(
    () => {
      const text = ((): string => {
        try {
          return readFileSync(prom, 'utf8');
        } catch {
          return '';
        }
      })();
      if (text === '' || text === since) return false;
      samples = parseTextfile(text);
      return done(samples);
    },
    what,
    30_000,
  );
  return samples;
}

const alertnames = (): string[] => [...readFileSync(RULES, 'utf8').matchAll(/- alert: (\w+)/g)].map((m) => m[1] ?? '');
const value = (samples: Sample[], name: string, labels: Record<string, string>): string | undefined =>
  samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;

async function promtoolTest(samples: Sample[], expected: ExpectedAlert[]): Promise<void> {
  const file = rig.t.path('rule-test.yml');
  writeFileSync(file, formatRuleTest(RULES, samples, HOST, 20, alertnames(), expected));
  const r = await run('promtool', ['test', 'rules', file]).then(
    (o) => ({ ok: true, out: o.stdout + o.stderr }),
    (e: { stdout?: string; stderr?: string }) => ({ ok: false, out: `${e.stdout ?? ''}${e.stderr ?? ''}` }),
  );
  expect(r.out, `promtool test rules ${file}`).toContain('SUCCESS');
  expect(r.ok, r.out).toBe(true);
}

describe('the alert rules and the textfile the daemon writes', () => {
  it('share every metric name, and stay silent on a converged host, then page for the forwarder and its detached relays', async () => {
    await rig.setUp(['--vfs', '8'], `daemon:\n  metrics_file: ${prom}\n`);
    await rig.start();
    await rig.waitConverged(8, 'the start-up reconcile');
    const converged = await readNextTextfile(
      '',
      (s) => value(s, 'vfkeeper_relays', { pf: PF, state: 'attached' }) === '8',
      'a textfile with 8 relays attached',
    );

    const written = new Set(converged.map((s) => s.name));
    expect(
      readRuleMetricNames(readFileSync(RULES, 'utf8')).filter((n) => !written.has(n)),
      'metrics the rules read that the daemon does not write',
    ).toEqual([]);
    expect(value(converged, 'vfkeeper_vfs', { pf: PF, state: 'wanted' })).toBe('8');
    expect(value(converged, 'vfkeeper_refusals_waiting', { pf: PF })).toBe('0');
    expect(value(converged, 'vfkeeper_pf_failing', { pf: PF })).toBe('0');
    const lint = spawnSync('promtool', ['check', 'metrics'], { input: readFileSync(prom), encoding: 'utf8' });
    expect(`${lint.stdout}${lint.stderr}`, 'promtool check metrics').toBe('');
    expect(lint.status).toBe(0);
    await promtoolTest(converged, []);

    const before = readFileSync(prom, 'utf8');
    await rig.fw.stop();
    await rig.cli(['reconcile']);
    const down = await readNextTextfile(before, (s) => value(s, 'vfkeeper_forwarder_up', {}) === '0', 'a textfile with the forwarder down');
    await promtoolTest(down, [
      {
        alertname: 'VfkeeperForwarderDown',
        labels: { severity: 'critical', pf: PF },
        annotations: {
          summary: `${HOST}: virtio-forwarder does not answer, PF ${PF}'s relays are unattended; see journalctl -xu vfkeeper`,
          description: `vfkeeper could not reach virtio-forwarder's port control on ${HOST} for 5 minutes, and PF ${PF} has 8 relays configured. Check \`systemctl status virtio-forwarder\` and \`journalctl -xu vfkeeper\`.`,
        },
      },
      {
        alertname: 'VfkeeperRelaysDetached',
        labels: { severity: 'critical', pf: PF },
        annotations: {
          summary: `${HOST}: PF ${PF} has 8 relays without their VF; see journalctl -xu vfkeeper`,
          description: `8 virtio-forwarder relays of PF ${PF} on ${HOST} have had no VF attached for 10 minutes: their VMs have no network. Run \`vfkeeper status\` and \`journalctl -xu vfkeeper\` on the host.`,
        },
      },
    ]);
  }, 90_000);
});
