// DoctorInputs -> DoctorContext: fills in the defaults. The live-host
// probes (dmesg, systemctl, uname) are only defaults when the root is "/":
// under another root they would describe the wrong machine.
import { readDmesg, readKernelRelease, readUnitActiveState } from '../host/doctor-probes.js';
import { openRootFiles } from '../host/root-files.js';
import { listInitramfs } from '../host/initramfs.js';
import { resolveOwnerFromFiles } from './accounts.js';
import type { DoctorContext, DoctorInputs } from './types.js';

export function resolveDoctorInputs(inputs: DoctorInputs): DoctorContext {
  const root = inputs.root ?? '/';
  const live = root === '/';
  const files = openRootFiles(root);
  const { pfs } = inputs;
  return {
    root,
    config: inputs.config,
    files,
    readPfs: pfs === undefined ? null : Array.isArray(pfs) ? () => Promise.resolve(pfs) : pfs,
    probeForwarder: inputs.probeForwarder ?? null,
    resolveOwner: inputs.resolveOwner ?? resolveOwnerFromFiles(files),
    readUnitActiveState: inputs.readUnitActiveState ?? (live ? readUnitActiveState : null),
    readKernelLog: inputs.readKernelLog ?? (live ? readDmesg : null),
    kernelRelease: inputs.kernelRelease ?? (live ? readKernelRelease() : null),
    // Reading a file under another root is still only reading: lsinitramfs is safe there.
    listInitramfs: inputs.listInitramfs ?? ((file) => listInitramfs(file)),
  };
}
