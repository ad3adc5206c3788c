// Runs every check of cli.md against one host and collects the report.
// The record below has one check per id, so the compiler proves none is
// forgotten; a check that throws anyway is reported as skipped, not fatal.
import { checkApparmor } from './check-apparmor.js';
import { checkFirmware, checkFirmwareLinks } from './check-firmware.js';
import { checkForwarderIpc, checkForwarderMode } from './check-forwarder-config.js';
import { checkForwarderInstalled, checkForwarderService } from './check-forwarder-unit.js';
import { checkInitramfs } from './check-initramfs.js';
import { checkStaticVfs } from './check-static-vfs.js';
import { checkHugepages1g, checkHugepages2m } from './check-hugepages.js';
import { checkHugetlbfs, checkLibvirtHugepageDirs } from './check-hugetlbfs.js';
import { checkIommu } from './check-iommu.js';
import { checkNuma } from './check-numa.js';
import { checkSocketDir } from './check-socket-dir.js';
import { checkSriovBios } from './check-sriov-bios.js';
import { checkVfio } from './check-vfio.js';
import { resolveDoctorInputs } from './resolve-inputs.js';
import { CHECK_IDS, messageOf, skip, type Check, type CheckId, type CheckResult, type DoctorInputs, type DoctorReport } from './types.js';

export const CHECKS: Record<CheckId, Check> = {
  'sriov-bios': checkSriovBios,
  firmware: checkFirmware,
  'firmware-links': checkFirmwareLinks,
  initramfs: checkInitramfs,
  iommu: checkIommu,
  vfio: checkVfio,
  'hugepages-2m': checkHugepages2m,
  'hugepages-1g': checkHugepages1g,
  hugetlbfs: checkHugetlbfs,
  'libvirt-hugepage-dirs': checkLibvirtHugepageDirs,
  numa: checkNuma,
  apparmor: checkApparmor,
  'forwarder-installed': checkForwarderInstalled,
  'forwarder-service': checkForwarderService,
  'forwarder-mode': checkForwarderMode,
  'forwarder-ipc': checkForwarderIpc,
  'static-vfs': checkStaticVfs,
  'socket-dir': checkSocketDir,
};

/** Every check, in cli.md's order. Never throws. */
export async function runDoctor(inputs: DoctorInputs): Promise<DoctorReport> {
  const ctx = resolveDoctorInputs(inputs);
  const checks = await Promise.all(
    CHECK_IDS.map(async (id): Promise<CheckResult> => {
      try {
        return await CHECKS[id](ctx);
      } catch (e) {
        return skip(id, `the check could not run: ${messageOf(e)}`);
      }
    }),
  );
  return { root: ctx.root, checks };
}

/** cli.md: 1 when any check failed, else 0. */
export function doctorExitStatus(report: DoctorReport): number {
  return report.checks.some((c) => c.status === 'fail') ? 1 : 0;
}
