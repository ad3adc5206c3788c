// The simulated host: the Host ports over a SimKernel, optionally backed by
// a JSON file (`--simulate STATE.json`) that is read at open and written
// back atomically by commit(). Socket files are real files in the emulated
// forwarder's directory, so `files` is the real adapter in both modes.
import { readFile, rename, writeFile } from 'node:fs/promises';
import { isAbsent } from '../../model/errno.js';
import { HostError } from '../host-error.js';
import { createRealFiles } from '../real/files.js';
import { createRealFirmware } from '../real/firmware.js';
import type { Files, Firmware, Host, NetTools, RelayNumberStore, StaticVfSource } from '../types.js';
import { createMemoryRelayNumbers } from '../relay-numbers-file.js';
import { SimKernel, kernelError } from './kernel.js';
import { createSimSysfs } from './sim-sysfs.js';
import { applySimVerb } from './sim-verbs.js';
import { applySimVfSetting, simVfSettingsOf } from './sim-vf-settings.js';
import type { SimState } from './state.js';
import { settleUdev } from './hotplug.js';

export interface SimHost extends Host {
  kind: 'simulated';
  kernel: SimKernel;
}

export interface SimHostOptions {
  /** The state file commit() writes. */
  file?: string;
  files?: Files;
  /** The firmware directory: real files (the demo's own tree) unless given. */
  firmware?: Firmware;
  /**
   * Write the state file after every sysfs write, as a kernel keeps every
   * change: a process killed half-way leaves the host half-way (the daemon).
   */
  durable?: boolean;
  /** Where the relay numbers are kept: in memory unless given (compose.ts gives the host's own file). */
  relayNumbers?: RelayNumberStore;
  /** The forwarder's static VFs: none unless given (compose.ts reads the configured file, as on a real host). */
  staticVfs?: StaticVfSource;
}

export function createSimHost(state: SimState, options: SimHostOptions = {}): SimHost {
  const kernel = new SimKernel(state);
  // udev renames a new interface (eth0) a moment after the kernel named it:
  // here on the next turn of the event loop, so a run that looks right after
  // a rescan sees the kernel's name, as on a real host. A state saved in
  // between was renamed long ago by the time another command loads it.
  settleUdev(kernel);
  kernel.onEvent((e) => {
    if (e.action === 'add' && e.subsystem === 'net') setImmediate(() => settleUdev(kernel));
  });
  const sysfs = createSimSysfs(kernel);
  const file = options.file;
  // Saves one after another: two in flight at once (writes and a commit from
  // parallel reads and runs) would race on the rename, and an older snapshot
  // could land last.
  let saving: Promise<void> = Promise.resolve();
  const save = (to: string): Promise<void> => (saving = saving.catch(() => undefined).then(() => saveSimState(to, kernel.state)));
  const hostSysfs =
    options.durable && file
      ? { ...sysfs, write: (path: string, value: string) => sysfs.write(path, value).finally(() => saveOrCrash(file)) }
      : sysfs;
  // The write is on disk first, then the power goes: the cut lands exactly
  // between two writes, and is used up in the same save, so a restart runs on.
  async function saveOrCrash(to: string): Promise<void> {
    const left = kernel.state.crashAfterWrites;
    if (left !== undefined && left <= 1) delete kernel.state.crashAfterWrites;
    else if (left !== undefined) kernel.state.crashAfterWrites = left - 1;
    await save(to);
    if (left !== undefined && left <= 1) process.kill(process.pid, 'SIGKILL');
  }
  return {
    kind: 'simulated',
    kernel,
    sysfs: hostSysfs,
    net: createSimNetTools(kernel),
    modules: {
      async load(name) {
        const known = ['vfio-pci', 'vfio_pci', 'nfp', 'igb'];
        if (!known.includes(name)) throw new HostError('ERR_TOOL_FAILED', `\`modprobe ${name}\` failed: module not found`);
        const driver = name.replace('_', '-');
        if (!state.loadedDrivers.includes(driver)) state.loadedDrivers.push(driver);
      },
    },
    workload: {
      async openVfioGroups() {
        return new Map(Object.entries(state.openVfioGroups));
      },
    },
    files: options.files ?? createRealFiles(),
    firmware: options.firmware ?? createRealFirmware(),
    relayNumbers: options.relayNumbers ?? createMemoryRelayNumbers(),
    staticVfs: options.staticVfs ?? { read: async () => [] },
    simulation: {
      follow: (listener) => kernel.onEvent(listener),
      apply: (verb, pci) => applySimVerb({ kernel, sysfs: hostSysfs }, verb, pci),
    },
    async commit() {
      if (file) await save(file);
    },
  };
}

function createSimNetTools(kernel: SimKernel): NetTools {
  const pfByNetdev = (netdev: string) => {
    const pf = kernel.state.pfs.find((p) => p.netdev === netdev);
    if (!pf) throw new HostError('ERR_TOOL_FAILED', `Cannot find device "${netdev}"`, { netdev, errno: 'ENODEV' });
    return pf;
  };
  return {
    async setLinkUp(netdev) {
      pfByNetdev(netdev).up = true;
    },
    async setMtu(netdev, mtu) {
      pfByNetdev(netdev).mtu = mtu;
    },
    async setVfMac(pfNetdev, index, mac) {
      const vf = pfByNetdev(pfNetdev).vfs[index];
      if (!vf) throw kernelError('EINVAL', pfNetdev, `\`ip link set dev ${pfNetdev} vf ${index} mac ${mac}\` failed`);
      vf.mac = mac;
    },
    async setVfSetting(pfNetdev, index, change) {
      applySimVfSetting(pfByNetdev(pfNetdev), pfNetdev, index, change);
    },
    async readVfInfo(pfNetdev) {
      return new Map(pfByNetdev(pfNetdev).vfs.map((vf) => [vf.index, { mac: vf.mac, settings: structuredClone(simVfSettingsOf(vf)) }]));
    },
    async readFirmwareVersion(netdev) {
      const fw = pfByNetdev(netdev).firmware;
      return fw === null ? null : `0.0.3.5 0.22 ${fw} ${fw.split('-')[0] ?? 'nic'}`;
    },
    async readPermanentMac(netdev) {
      return pfByNetdev(netdev).permMac;
    },
    async isUdevDone(netdev) {
      const pf = kernel.state.pfs.find((p) => p.netdev === netdev);
      return pf !== undefined && pf.udevName === undefined;
    },
  };
}

export async function loadSimState(file: string): Promise<SimState> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    // Worded as a missing --config file is: both are files the command line named (exit 2).
    if (isAbsent(e))
      throw new HostError('ERR_SIM_STATE', `${file}: expected a simulated host state file; it does not exist`, {
        path: file,
        hint: 'create one with `vfkeeper sim init > STATE.json`',
      });
    throw new HostError('ERR_SIM_STATE', `Could not read the simulated host state ${file}: ${(e as Error).message}`, {
      path: file,
      cause: e,
      hint: 'create one with `vfkeeper sim init > STATE.json`',
    });
  }
  const s = parsed as Partial<SimState> | null;
  if (!s || s.version !== 1 || !Array.isArray(s.pfs) || !Array.isArray(s.events) || !Array.isArray(s.writes)) {
    throw new HostError('ERR_SIM_STATE', `${file} is not a simulated host state (version 1)`, {
      path: file,
      hint: 'create one with `vfkeeper sim init > STATE.json`',
    });
  }
  return parsed as SimState;
}

export async function saveSimState(file: string, state: SimState): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(state, null, 1)}\n`);
  await rename(tmp, file);
}
