import { describe, expect, it } from 'vitest';
import { parseEnvFile, parseShellValue } from '../../../src/model/env-file.js';
import { formatPageSize, isParamOn, parseCmdline, parseMounts, parsePageSizeKb } from '../../../src/doctor/parse-proc.js';
import { parseOwnerSpec } from '../../../src/doctor/accounts.js';
import { parseIdFile } from '../../../src/host/id-files.js';

describe('parseEnvFile', () => {
  it('reads assignments as sh would: quotes, escapes, comments, export, arrays', () => {
    const { vars, problems } = parseEnvFile(
      [
        '# comment',
        '   ',
        'A=plain',
        'B=',
        'C="double \\"quoted\\" $x"',
        "D='single # not a comment'",
        'E=value # trailing comment',
        'export F=exported',
        'G=(0000:05:08.1=1 0000:05:08.2=2)',
        'H=a\\ b',
        'I=""',
      ].join('\n'),
    );
    expect(Object.fromEntries(vars)).toEqual({
      A: 'plain',
      B: '',
      C: 'double "quoted" $x',
      D: 'single # not a comment',
      E: 'value',
      F: 'exported',
      G: '(0000:05:08.1=1 0000:05:08.2=2)',
      H: 'a b',
      I: '',
    });
    expect(problems).toEqual([]);
  });

  it('reports lines sh would not take as one assignment, with their line numbers, and keeps going', () => {
    const { vars, problems } = parseEnvFile('X=ok\nnot an assignment\nY="unterminated\nZ=two words\n1A=bad\nW=fine\n');
    expect(Object.fromEntries(vars)).toEqual({ X: 'ok', W: 'fine' });
    expect(problems.map((p) => p.line)).toEqual([2, 3, 4, 5]);
  });

  it('never throws on garbage', () => {
    for (const s of ['\u0000', '=', '"', "'", '(', 'A=(', 'A=\\', '\n\n\n']) expect(() => parseEnvFile(s)).not.toThrow();
    expect(parseShellValue('\\')).toBe('');
  });
});

describe('kernel text', () => {
  it('reads the command line, including flags and quoted values', () => {
    const p = parseCmdline('BOOT_IMAGE=/boot/vmlinuz ro quiet intel_iommu=on,sm_on iommu=pt foo="a"\n');
    expect(p.get('ro')).toBe('');
    expect(isParamOn(p.get('intel_iommu'))).toBe(true);
    expect(isParamOn(p.get('amd_iommu'))).toBe(false);
    expect(isParamOn('off')).toBe(false);
    expect(p.get('foo')).toBe('a');
  });

  it('reads /proc/mounts with escaped mount points and skips short lines', () => {
    expect(parseMounts('a /x\\040y hugetlbfs rw,pagesize=1G 0 0\nbroken line\n')).toEqual([
      { source: 'a', target: '/x y', fstype: 'hugetlbfs', options: ['rw', 'pagesize=1G'] },
    ]);
  });

  it.each([
    ['2M', 2048],
    ['1G', 1048576],
    ['1024M', 1048576],
    ['2048k', 2048],
    ['2097152', 2048],
    ['huge', null],
  ])('page size %s = %s kB', (text, kb) => {
    expect(parsePageSizeKb(text)).toBe(kb);
  });

  it('formats page sizes as the guide writes them', () => {
    expect([formatPageSize(2048), formatPageSize(1048576), formatPageSize(64)]).toEqual(['2M', '1G', '64k']);
  });
});

describe('accounts', () => {
  it('reads names and ids, first entry winning, ignoring garbage', () => {
    const ids = parseIdFile(
      'root:x:0:0::/root:/bin/bash\nlibvirt-qemu:x:64055:108::/:/bin/false\n#c:x:1:\nbad\nlibvirt-qemu:x:1:1\nx:x:notanumber:\n',
    );
    expect(Object.fromEntries(ids)).toEqual({ root: 0, 'libvirt-qemu': 64055 });
  });

  it('takes user:group and refuses anything else', () => {
    expect(parseOwnerSpec('libvirt-qemu:kvm')).toEqual(['libvirt-qemu', 'kvm']);
    for (const bad of ['libvirt-qemu', ':kvm', 'a:', 'a:b:c']) expect(() => parseOwnerSpec(bad)).toThrow(/is not of the form user:group/);
  });
});
