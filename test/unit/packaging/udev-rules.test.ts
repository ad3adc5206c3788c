import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defaultConfig, defaultPfRule, type Config, type PfMatch } from '../../../src/model/config.js';
import { parsePciAddress } from '../../../src/model/pci.js';
import { formatUdevRules } from '../../../src/packaging/udev-rules.js';

function configFor(...matches: PfMatch[]): Config {
  return { ...defaultConfig(), pfs: matches.map(defaultPfRule) };
}

/** The rule lines (no comments, no blank lines) of a rules text. */
function ruleLines(text: string): string[] {
  return text.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
}

describe('formatUdevRules', () => {
  it('prints, for the built-in configuration, exactly the shipped 70-vfkeeper.rules', () => {
    const shipped = readFileSync(new URL('../../../udev-rules/70-vfkeeper.rules', import.meta.url), 'utf8');
    expect(formatUdevRules(defaultConfig())).toBe(shipped);
  });

  it('starts the daemon for the PF ids of the kernel nfp driver and marks their VFs unmanaged', () => {
    const lines = ruleLines(formatUdevRules(defaultConfig()));
    expect(lines).toContain(
      'ATTR{vendor}=="0x19ee", ATTR{device}=="0x3800|0x4000|0x5000|0x6000", TAG+="systemd", ENV{SYSTEMD_WANTS}+="vfkeeper.service"',
    );
    expect(lines).toContain('ATTR{vendor}=="0x19ee", ATTR{device}=="0x3803|0x6003", ENV{NM_UNMANAGED}="1"');
    expect(lines).toContain('ATTR{device/vendor}=="0x19ee", ATTR{device/device}=="0x3803|0x6003", ENV{NM_UNMANAGED}="1"');
    expect(lines.filter((l) => /RUN/.test(l))).toEqual([]);
  });

  it('fences every rule: the labels it jumps to exist, and remove events skip it all', () => {
    const text = formatUdevRules(configFor({ netdev: 'enp2s0np0' }, { pci: parsePciAddress('0000:03:00.0') }));
    const gotos = [...text.matchAll(/GOTO="([^"]+)"/g)].map((m) => m[1]);
    const labels = [...text.matchAll(/LABEL="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(gotos)).toEqual(new Set(labels));
    expect(ruleLines(text)[0]).toBe('ACTION=="remove", GOTO="vfkeeper_end"');
  });

  it('matches one PF id and its own VF id', () => {
    const lines = ruleLines(formatUdevRules(configFor({ vendor: 0x19ee, device: 0x3800 })));
    expect(lines).toContain('ATTR{vendor}=="0x19ee", ATTR{device}=="0x3800", TAG+="systemd", ENV{SYSTEMD_WANTS}+="vfkeeper.service"');
    expect(lines).toContain('ATTR{vendor}=="0x19ee", ATTR{device}=="0x3803", ENV{NM_UNMANAGED}="1"');
  });

  it('tells PFs of other vendors from their VFs by sriov_totalvfs, and finds the VFs through physfn', () => {
    const lines = ruleLines(formatUdevRules(configFor({ vendor: 0x1b36, device: 0x0010 })));
    expect(lines).toContain(
      'ATTR{vendor}=="0x1b36", ATTR{device}=="0x0010", ATTR{sriov_totalvfs}=="?*", TAG+="systemd", ENV{SYSTEMD_WANTS}+="vfkeeper.service"',
    );
    expect(lines).toContain('TEST=="physfn", ATTR{physfn/vendor}=="0x1b36", ATTR{physfn/device}=="0x0010", ENV{NM_UNMANAGED}="1"');
    expect(lines).toContain(
      'TEST=="device/physfn", ATTR{device/physfn/vendor}=="0x1b36", ATTR{device/physfn/device}=="0x0010", ENV{NM_UNMANAGED}="1"',
    );
  });

  it('matches a PF by its PCI address, and its VFs by the address their physfn names', () => {
    const lines = ruleLines(formatUdevRules(configFor({ pci: parsePciAddress('0000:02:00.0') })));
    expect(lines).toContain('KERNEL=="0000:02:00.0", TAG+="systemd", ENV{SYSTEMD_WANTS}+="vfkeeper.service"');
    expect(lines).toContain('TEST=="physfn", ATTR{physfn/uevent}=="*PCI_SLOT_NAME=0000:02:00.0*", ENV{NM_UNMANAGED}="1"');
  });

  it('matches a PF known only by its netdev name on the net subsystem, its VFs through physfn/net', () => {
    const text = formatUdevRules(configFor({ netdev: 'enp2s0np0' }));
    const net = text.slice(text.indexOf('LABEL="vfkeeper_net"'));
    expect(ruleLines(net)).toContain('KERNEL=="enp2s0np0", TAG+="systemd", ENV{SYSTEMD_WANTS}+="vfkeeper.service"');
    expect(ruleLines(text)).toContain('TEST=="physfn", TEST=="physfn/net/enp2s0np0", ENV{NM_UNMANAGED}="1"');
  });

  it('writes each rule once when two PF rules match alike', () => {
    const lines = ruleLines(formatUdevRules(configFor({ vendor: 0x19ee }, { vendor: 0x19ee })));
    expect(lines.filter((l) => l.includes('SYSTEMD_WANTS'))).toHaveLength(1);
  });

  it.each(['a"b', 'eth*', 'x|y', '%k', '$(reboot)', 'a b', 'averyveryverylongname'])(
    'refuses the netdev name %j, naming where it is',
    (name) => {
      expect(() => formatUdevRules(configFor({ vendor: 0x19ee }, { netdev: name }))).toThrow(
        expect.objectContaining({ code: 'ERR_CONFIG_UDEV_VALUE', message: expect.stringContaining('pfs[1].match.netdev') }),
      );
    },
  );

  it('refuses an id that is not 16 bits and an address that is not canonical', () => {
    expect(() => formatUdevRules(configFor({ vendor: 0x1ffff }))).toThrow(/pfs\[0\]\.match\.vendor: 131071 is not a 16-bit PCI id/);
    const bad = { pci: '02:00.0' } as unknown as PfMatch;
    expect(() => formatUdevRules(configFor(bad))).toThrow(/pfs\[0\]\.match\.pci: "02:00\.0" is not a PCI address/);
  });

  it('names the configuration files in a comment that a newline in a name cannot end', () => {
    const text = formatUdevRules({ ...defaultConfig(), sources: ['/etc/vfkeeper/vfkeeper.yaml', '/tmp/x\nRUN+="/bin/sh"'] });
    expect(text).toContain('# Configuration: /etc/vfkeeper/vfkeeper.yaml, /tmp/x?RUN+="/bin/sh"\n');
    expect(ruleLines(text).filter((l) => l.includes('RUN'))).toEqual([]);
  });
});
