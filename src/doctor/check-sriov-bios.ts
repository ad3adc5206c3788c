// sriov-bios: SR-IOV switched on in the BIOS. The guide's symptom is the
// kernel message "PCI SR-IOV:-12" (ENOMEM) when VFs are created. VFs that
// exist prove it on; otherwise the current boot's ring buffer (dmesg) is
// read when it can be, else the log files, which may hold older boots.
import { messageOf, fail, pass, skip, type Check, type DoctorContext } from './types.js';
import { pfName, readPfs } from './read-inputs.js';

const ID = 'sriov-bios';
const SYMPTOM = /PCI SR-IOV:\s*-12/;
const LOG_FILES = ['/var/log/kern.log', '/var/log/messages'];
const TAIL_BYTES = 32 * 1024 * 1024;
export const SRIOV_BIOS_FIX =
  'enable SR-IOV (and VT-d / AMD-Vi) in the BIOS/UEFI setup, then reboot; if it is on already, ' +
  'add pci=realloc to GRUB_CMDLINE_LINUX_DEFAULT in /etc/default/grub, update-grub, reboot';

interface LogText {
  name: string;
  text: string;
}

export const checkSriovBios: Check = async (ctx) => {
  const pfs = await readPfs(ctx);
  const withVfs = pfs.ok ? pfs.value.filter((pf) => pf.numVfs > 0) : [];
  if (withVfs.length > 0) {
    return pass(ID, `VFs exist on ${withVfs.map((pf) => `${pfName(pf)}: ${pf.numVfs}`).join(', ')}, so SR-IOV is on`);
  }
  const { logs, unreadable } = await readKernelLogs(ctx);
  if (logs.length === 0) return skip(ID, `no kernel log could be read: ${unreadable.join('; ')}`);
  for (const log of logs) {
    const line = log.text.split('\n').find((l) => SYMPTOM.test(l));
    if (line !== undefined) {
      return fail(ID, `${log.name} has "${line.trim().slice(0, 160)}": SR-IOV is off in the BIOS`, SRIOV_BIOS_FIX);
    }
  }
  const names = logs.map((l) => l.name).join(', ');
  return pass(ID, `no "PCI SR-IOV:-12" in ${names} (the kernel says it when VFs cannot be created)`);
};

async function readKernelLogs(ctx: DoctorContext): Promise<{ logs: LogText[]; unreadable: string[] }> {
  const unreadable: string[] = [];
  if (ctx.readKernelLog !== null) {
    try {
      return { logs: [{ name: 'dmesg', text: await ctx.readKernelLog() }], unreadable };
    } catch (e) {
      unreadable.push(`dmesg: ${messageOf(e)}`);
    }
  } else {
    unreadable.push(`dmesg is only read on the live host (root /, not ${ctx.root})`);
  }
  const logs: LogText[] = [];
  for (const name of LOG_FILES) {
    const text = await ctx.files.readText(name, TAIL_BYTES);
    if (text.ok) logs.push({ name, text: text.value });
    else unreadable.push(text.reason);
  }
  return { logs, unreadable };
}
