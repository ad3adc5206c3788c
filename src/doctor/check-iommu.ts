// iommu: the guide's kernel parameters (intel_iommu=on, or amd_iommu=on, and
// iommu=pt) and IOMMU groups present, which is what VF passthrough needs.
import { isParamOn, parseCmdline } from './parse-proc.js';
import { fail, pass, skip, warn, type Check, type DoctorContext } from './types.js';

const ID = 'iommu';

async function readCpuVendor(ctx: DoctorContext): Promise<'intel' | 'amd'> {
  const cpuinfo = await ctx.files.readText('/proc/cpuinfo');
  return cpuinfo.ok && /AuthenticAMD/.test(cpuinfo.value) ? 'amd' : 'intel';
}

export function iommuFix(vendor: 'intel' | 'amd'): string {
  return `add ${vendor}_iommu=on iommu=pt to GRUB_CMDLINE_LINUX_DEFAULT in /etc/default/grub, update-grub, reboot`;
}

/** The guide's parameters that the command line lacks. */
function missingParams(cmdline: string, vendor: 'intel' | 'amd'): string[] {
  const params = parseCmdline(cmdline);
  const missing: string[] = [];
  if (!isParamOn(params.get('intel_iommu')) && !isParamOn(params.get('amd_iommu'))) missing.push(`${vendor}_iommu=on`);
  if (params.get('iommu') !== 'pt') missing.push('iommu=pt');
  return missing;
}

function iommuWords(cmdline: string): string {
  return cmdline
    .trim()
    .split(/\s+/)
    .filter((w) => /^(intel_iommu|amd_iommu|iommu)=/.test(w))
    .join(' ');
}

export const checkIommu: Check = async (ctx) => {
  const vendor = await readCpuVendor(ctx);
  const cmdline = await ctx.files.readText('/proc/cmdline');
  const groups = await ctx.files.list('/sys/kernel/iommu_groups');
  if (!cmdline.ok && !groups.ok) return skip(ID, `${cmdline.reason}; ${groups.reason}`);
  const missing = cmdline.ok ? missingParams(cmdline.value, vendor) : [];
  const paramText = !cmdline.ok
    ? cmdline.reason
    : missing.length > 0
      ? `/proc/cmdline has no ${missing.join(' ')}`
      : `/proc/cmdline has ${iommuWords(cmdline.value)}`;
  const groupText = groups.ok ? `/sys/kernel/iommu_groups has ${groups.value.length} groups` : groups.reason;
  const evidence = `${paramText}; ${groupText}`;
  const hasGroups = groups.ok && groups.value.length > 0;
  if (groups.ok && !hasGroups) return fail(ID, evidence, iommuFix(vendor));
  if (missing.length === 0) return pass(ID, evidence);
  // Groups exist (this kernel turns the IOMMU on by itself) but not all the guide's parameters are there.
  return hasGroups ? warn(ID, evidence, iommuFix(vendor)) : fail(ID, evidence, iommuFix(vendor));
};
