// firmware: each managed PF runs the SR-IOV build (sriov-2.1 or later, the
// application part of ethtool's firmware-version).
// firmware-links: the links in the firmware directory point into the
// configured flavour (nic-sriov), as the firmware guard keeps them.
import { FIRMWARE_RELOAD_COMMAND, isSriovFirmware, parseFirmwareApp } from '../model/firmware.js';
import { planFirmwareLinks, planFirmwareRepoints, type FirmwareLinkVerdict, type FirmwarePlan } from '../plan/plan-firmware.js';
import { readFirmwareTree } from '../host/firmware-links.js';
import { fail, messageOf, pass, skip, warn, type Check, type CheckResult, type DoctorContext } from './types.js';
import { pfName, readPfs } from './read-inputs.js';

function linksFix(ctx: DoctorContext): string {
  const { dir, flavour } = ctx.config.firmware;
  return `vfkeeper firmware --fix (or: ln -sf ${dir}/${flavour}/* ${dir}/), then when no VF is in use: ${FIRMWARE_RELOAD_COMMAND}`;
}

function installFix(ctx: DoctorContext): string {
  return (
    `install the SR-IOV firmware: yum update linux-firmware (RHEL / Fedora / CentOS), or from the support site ` +
    `dpkg -i agilio-sriov-firmware-2.1.x.deb (Debian / Ubuntu) / yum -y install agilio-sriov-firmware-2.1.x.rpm; ` +
    `then point the links at ${ctx.config.firmware.flavour} and reload the driver: ${FIRMWARE_RELOAD_COMMAND}`
  );
}

export const checkFirmware: Check = async (ctx) => {
  const pfs = await readPfs(ctx);
  if (!pfs.ok) return skip('firmware', pfs.reason);
  if (pfs.value.length === 0) return skip('firmware', 'no managed PF was found');
  const described = pfs.value.map((pf) => ({ pf, app: pf.firmware === null ? null : parseFirmwareApp(pf.firmware) }));
  const wrong = described.filter((d) => d.pf.firmware !== null && !isSriovFirmware(d.app));
  const unknown = described.filter((d) => d.pf.firmware === null);
  const list = (ds: typeof described): string => ds.map((d) => `${pfName(d.pf)} runs ${d.pf.firmware ?? '?'}`).join(', ');
  if (wrong.length > 0) {
    return fail('firmware', `${list(wrong)}; SR-IOV needs sriov-2.1 or later`, `${linksFix(ctx)}; see firmware-links`);
  }
  if (unknown.length === described.length) {
    return skip('firmware', `the firmware version of ${unknown.map((d) => pfName(d.pf)).join(', ')} could not be read (ethtool -i)`);
  }
  const unread = unknown.length > 0 ? `; unreadable on ${unknown.map((d) => pfName(d.pf)).join(', ')}` : '';
  return pass('firmware', `${list(described.filter((d) => d.pf.firmware !== null))}${unread}`);
};

export const checkFirmwareLinks: Check = async (ctx) => {
  const { dir, flavour } = ctx.config.firmware;
  const listing = await ctx.files.list(dir);
  if (!listing.ok) {
    return listing.missing ? fail('firmware-links', listing.reason, installFix(ctx)) : skip('firmware-links', listing.reason);
  }
  try {
    return judgeLinks(ctx, planFirmwareLinks(await readFirmwareTree(dir, flavour, ctx.root), flavour));
  } catch (e) {
    return skip('firmware-links', messageOf(e));
  }
};

type Orphan = Extract<FirmwareLinkVerdict, { kind: 'no-counterpart' }>;

function judgeLinks(ctx: DoctorContext, plan: FirmwarePlan): CheckResult {
  const { dir, flavour, verdicts } = plan;
  const repoint = planFirmwareRepoints(plan);
  const orphans = verdicts.filter((v): v is Orphan => v.kind === 'no-counterpart');
  const ok = verdicts.filter((v) => v.kind === 'ok').length;
  const external = verdicts.filter((v) => v.kind === 'external').length;
  if (!plan.flavourPresent) {
    return fail('firmware-links', `${dir}/${flavour}/ is missing (${verdicts.length} links, none can point there)`, installFix(ctx));
  }
  if (verdicts.length === 0) return warn('firmware-links', `${dir} has no firmware links`, installFix(ctx));
  const first = repoint[0];
  if (first !== undefined) {
    const into = [...new Set([...repoint, ...orphans].map((v) => v.flavour))].join(', ');
    return fail(
      'firmware-links',
      `${repoint.length + orphans.length} of ${verdicts.length} links point into ${into}, not ${flavour} ` +
        `(e.g. ${first.link.name} -> ${first.link.target})`,
      linksFix(ctx),
    );
  }
  const summary = `${ok} links point into ${flavour}/` + (external > 0 ? `, ${external} outside ${dir} (left alone)` : '');
  if (orphans.length > 0) {
    const names = orphans.map((v) => `${v.link.name} -> ${v.link.target}`).join(', ');
    return warn('firmware-links', `${summary}; ${names}: no ${flavour}/ counterpart`, installFix(ctx));
  }
  return pass('firmware-links', summary);
}
