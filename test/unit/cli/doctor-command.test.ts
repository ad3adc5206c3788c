import { describe, expect, it } from 'vitest';
import { createDoctorCommand, doctorCommand } from '../../../src/cli/commands/doctor.js';
import { CHECK_IDS } from '../../../src/doctor/types.js';
import { VfkeeperError } from '../../../src/model/errors.js';
import { KERNEL, pf, useFixtureRoot, writeFreshHost, writeGuideHost } from '../doctor/fixture-host.js';
import { capture } from '../../helpers/command-context.js';

const host = useFixtureRoot();

const guideDeps = {
  observePfs: () => Promise.resolve([pf('sriov-2.1.14')]),
  probeForwarder: () => Promise.resolve(),
  readUnitActiveState: () => Promise.resolve('active'),
  kernelRelease: KERNEL,
};

describe('vfkeeper doctor', () => {
  it('--json prints cli.md shape and exits 1 on a fresh host', async () => {
    await writeFreshHost(host.root);
    const c = capture(['--root', host.root], { json: true });
    expect(await doctorCommand.run(c.ctx)).toBe(1);
    const doc = JSON.parse(c.out()) as { checks: Array<Record<string, string>> };
    expect(doc.checks.map((x) => x.id)).toEqual([...CHECK_IDS]);
    for (const check of doc.checks) {
      expect(Object.keys(check)).toEqual(['id', 'status', 'evidence', 'fix']);
      expect(['pass', 'warn', 'fail', 'skip']).toContain(check['status']);
    }
    expect(doc.checks.find((x) => x.id === 'iommu')).toMatchObject({
      status: 'fail',
      evidence: expect.stringContaining('/proc/cmdline has no intel_iommu=on iommu=pt'),
    });
    // No PF observation wired by default: the firmware check says so instead of guessing.
    expect(doc.checks.find((x) => x.id === 'firmware')).toMatchObject({ status: 'skip' });
    expect(c.err()).toBe('');
  });

  it('prints a plain table with the fixes below it when stdout is not a terminal, and exits 0 on the guide host', async () => {
    await writeGuideHost(host.root);
    const c = capture([`--root=${host.root}`]);
    expect(await createDoctorCommand(guideDeps).run(c.ctx)).toBe(0);
    const lines = c.out().split('\n');
    // Which files the paths in the evidence are in, before anything else.
    expect(lines[0]).toBe(
      `Checking the files under ${host.root} (the paths below are inside it); what only the live host can answer is skipped.`,
    );
    expect(lines[2]).toMatch(/^CHECK\s+STATUS\s+EVIDENCE$/);
    expect(lines[3]).toMatch(/^sriov-bios\s+PASS\s+no "PCI SR-IOV:-12"/);
    expect(c.out()).not.toContain('\x1b[');
    expect(c.out()).not.toContain('Fixes:');
    expect(c.out()).toContain('18 passed, 0 warnings, 0 failed, 0 skipped');
  });

  it('colours the status only on a terminal without NO_COLOR, and lists the fixes', async () => {
    await writeFreshHost(host.root);
    const tty = capture(['--root', host.root], { tty: true });
    expect(await doctorCommand.run(tty.ctx)).toBe(1);
    const iommuLine = tty
      .out()
      .split('\n')
      .find((l) => l.startsWith('iommu '));
    expect(iommuLine).toContain('\x1b[31mFAIL  \x1b[0m  /proc/cmdline has no intel_iommu=on');
    expect(tty.out()).toContain('Fixes:\n');
    expect(tty.out()).toContain('  iommu: add intel_iommu=on iommu=pt to GRUB_CMDLINE_LINUX_DEFAULT');
    const noColour = capture(['--root', host.root], { tty: true, env: { NO_COLOR: '1' } });
    await doctorCommand.run(noColour.ctx);
    expect(noColour.out()).not.toContain('\x1b[');
  });

  it('exits 2 on bad usage and on a configuration that does not load', async () => {
    const bad = capture(['--rot', host.root]);
    expect(await doctorCommand.run(bad.ctx)).toBe(2);
    expect(bad.err()).toMatch(/^vfkeeper: Unknown option '--rot'\nUsage: vfkeeper doctor/);
    const noDir = capture(['--root']);
    expect(await doctorCommand.run(noDir.ctx)).toBe(2);
    const cfg = capture(['--root', host.root]);
    const failing = createDoctorCommand({
      loadConfig: () =>
        Promise.reject(
          new VfkeeperError('ERR_CONFIG', '/etc/vfkeeper/vfkeeper.yaml: firmware.guard: expected warn | fix | off', {
            hint: 'fix the file',
          }),
        ),
    });
    expect(await failing.run(cfg.ctx)).toBe(2);
    expect(cfg.err()).toBe('vfkeeper: /etc/vfkeeper/vfkeeper.yaml: firmware.guard: expected warn | fix | off\nhint: fix the file\n');
  });

  it("leaves this machine's PFs and forwarder out of a report on the files under another root", async () => {
    await writeGuideHost(host.root);
    let asked = 0;
    const live = {
      ...guideDeps,
      liveOnly: true,
      observePfs: () => (asked++, Promise.resolve([pf('sriov-2.1.14')])),
      probeForwarder: () => (asked++, Promise.resolve([])),
    };
    const c = capture(['--root', host.root, '--json']);
    await createDoctorCommand(live).run(c.ctx);
    const doc = JSON.parse(c.out()) as { checks: Array<{ id: string; status: string; evidence: string }> };
    expect(asked).toBe(0);
    expect(doc.checks.find((x) => x.id === 'firmware')).toMatchObject({
      status: 'skip',
      evidence: `PFs are only observed on the live host (root /, not ${host.root})`,
    });
    expect(doc.checks.find((x) => x.id === 'forwarder-ipc')?.evidence).toMatch(
      /not probed: the forwarder is only asked on the live host \(root \/, not /,
    );
  });
});
