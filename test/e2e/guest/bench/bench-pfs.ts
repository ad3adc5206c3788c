// Which emulated PFs a bench boot has (run-vm.sh --pf, vfkeeper.pf on the
// kernel command line) and the vfkeeper configuration that manages them with
// relays off: the floor binds VFs and nothing else, so vfkeeper does the same.
import { writeFile } from 'node:fs/promises';
import { VfkeeperError } from '../../../../src/model/errors.js';
import { CONFIG_PATH } from '../lib/vfkeeper-install.js';

export type PfKind = 'nvme' | 'igb';

export interface BenchPf {
  kind: PfKind;
  /** The PF's PCI address; its port is the root port above it. */
  pci: string;
  /** The driver the PF probes with after a rescan. */
  driver: string;
}

/** Where run-vm.sh puts each PF: alone on the first root port; both: NVMe on the first, igb on the second. */
export function readBenchPfs(pfParam: string | undefined): BenchPf[] {
  switch (pfParam ?? 'nvme') {
    case 'nvme':
      return [{ kind: 'nvme', pci: '0000:01:00.0', driver: 'nvme' }];
    case 'igb':
      return [{ kind: 'igb', pci: '0000:01:00.0', driver: 'igb' }];
    case 'both':
      return [
        { kind: 'nvme', pci: '0000:01:00.0', driver: 'nvme' },
        { kind: 'igb', pci: '0000:02:00.0', driver: 'igb' },
      ];
    default:
      throw new VfkeeperError('ERR_E2E_ENV', `VFKEEPER_E2E_PF must be nvme, igb or both, not '${String(pfParam)}'`);
  }
}

/** Every PF matched by its address, all its VFs, relays off; NVMe has no firmware to check (firmware: any). */
export function formatBenchConfig(pfs: readonly BenchPf[]): string {
  const entries = pfs.flatMap((pf) => [
    `  - match: { pci: "${pf.pci}" }`,
    '    vfs: max',
    ...(pf.kind === 'nvme' ? ['    firmware: any'] : []),
  ]);
  return ['# Written by the bench scenario: the emulated PFs, relays off.', 'pfs:', ...entries, 'forwarder:', '  enabled: false', ''].join(
    '\n',
  );
}

export function writeBenchConfig(pfs: readonly BenchPf[]): Promise<void> {
  return writeFile(CONFIG_PATH, formatBenchConfig(pfs));
}
