// `vfkeeper libvirt-xml --virtio-id N [--full]`: the VM's interface for
// relay N, with the MAC its VF really has now and the relay's socket.
import { observe } from '../../reconcile/observe.js';
import { formatFullXml, formatInterfaceXml } from '../../report/libvirt-xml.js';
import { wantedRelays } from '../../plan/plan-relays.js';
import { currentRelayNumbers } from '../../plan/relay-numbers.js';
import { VfkeeperError } from '../../model/errors.js';
import type { Command } from '../command.js';
import { openRunContext } from '../compose.js';
import { parseCommandArgs } from '../parse-options.js';
import { parseWholeNumber } from '../parse-number.js';
import { MAX_VIRTIO_ID, MIN_VIRTIO_ID } from '../../model/relay-number.js';
import { UsageError } from '../usage-error.js';
import { openRootFiles } from '../../host/root-files.js';
import { parseEnvFile } from '../../model/env-file.js';
import { formatCpuList, parseCpuSpec } from '../../model/numa.js';
import { findStatic } from '../../model/static-vfs.js';

const usage = `Usage: vfkeeper libvirt-xml --virtio-id N [--full [--root DIR]]

  Prints the <interface type='vhostuser'> element for relay N, with its VF's MAC
  and socket path; --full adds the hugepage <memoryBacking>, the <numatune> and
  the <numa> cell with memAccess='shared' that virtio-forwarder needs, on the
  NUMA node of the VF's PF (numa_node), naming the CPUs the forwarder polls on
  (VIRTIOFWD_CPU_MASK in forwarder.env_file, /etc/default/virtioforwarder, under
  DIR; DIR defaults to /).`;

/** VIRTIOFWD_CPU_MASK as a CPU list, null when the file or the key is absent; a mask that is neither list nor bitmap is an error. */
async function readForwarderCpus(root: string, file: string): Promise<string | null> {
  const text = await openRootFiles(root).readText(file);
  if (!text.ok) {
    if (text.missing) return null;
    throw new VfkeeperError('ERR_CONFIG', `${file}: ${text.reason}`, { path: file });
  }
  const mask = parseEnvFile(text.value).vars.get('VIRTIOFWD_CPU_MASK');
  if (mask === undefined || mask.trim() === '') return null;
  const cpus = parseCpuSpec(mask);
  if (cpus === null)
    throw new VfkeeperError('ERR_CONFIG', `${file}: VIRTIOFWD_CPU_MASK="${mask}" is neither a CPU list (1,2) nor a hex bitmap (0x6)`, {
      path: file,
      hint: `fix VIRTIOFWD_CPU_MASK in ${file}`,
    });
  return formatCpuList(cpus);
}

export const libvirtXmlCommand: Command = {
  name: 'libvirt-xml',
  usage,
  async run(ctx) {
    const { values } = parseCommandArgs(
      ctx.args,
      { 'virtio-id': { type: 'string' }, full: { type: 'boolean' }, root: { type: 'string' } },
      usage,
    );
    if (values['virtio-id'] === undefined) throw new UsageError('--virtio-id needs a relay number', usage);
    const id = parseWholeNumber(values['virtio-id'], 'virtio-id', { min: MIN_VIRTIO_ID, max: MAX_VIRTIO_ID }, usage);
    const run = await openRunContext(ctx, { logs: false });
    try {
      const { observed } = await observe(run.host, run.config, run.forwarder);
      const vfsAfter = new Map(observed.pfs.flatMap((pf) => pf.vfs.map((vf) => [vf.pci, { driver: vf.driver, pf: pf.pci }] as const)));
      // A relay the forwarder owns statically (VIRTIOFWD_STATIC_VFS) carries its listed VF, whatever vfkeeper would want.
      const statics = observed.staticVfs?.entries ?? [];
      const wanted =
        findStatic(statics, { virtioId: id })?.pci ??
        wantedRelays(run.config, observed.pfs, vfsAfter, currentRelayNumbers(run.config, observed)).find(
          (w) => w.virtioId === id && findStatic(statics, { vf: w.vf }) === undefined,
        )?.vf;
      const vf = observed.pfs.flatMap((pf) => pf.vfs).find((v) => v.pci === wanted);
      if (!wanted || !vf)
        throw new VfkeeperError('ERR_NO_RELAY', `Relay ${id} has no VF on this host`, {
          virtioId: id,
          hint: 'see `vfkeeper status` for the relays and their VFs',
        });
      if (vf.mac === null || vf.mac === '00:00:00:00:00:00')
        throw new VfkeeperError('ERR_NO_VF_MAC', `The VF of relay ${id} (${vf.pci}) has no MAC yet`, {
          virtioId: id,
          pci: vf.pci,
          hint: 'run `vfkeeper reconcile` (vf_macs: derive) or set one with ip link',
        });
      const live = observed.forwarder.reachable ? observed.forwarder.relays.find((r) => r.virtioId === id)?.socket : undefined;
      const socket = live && live.startsWith('/') ? live : `${run.config.forwarder.socketDir}/virtio-forwarder${id}.sock`;
      const input = { virtioId: id, mac: vf.mac, socket, vf: vf.pci };
      if (!values.full) {
        ctx.stdout.write(`${formatInterfaceXml(input)}\n`);
        return 0;
      }
      const node = observed.pfs.find((pf) => pf.vfs.includes(vf))?.numaNode ?? null;
      const forwarderCpus = await readForwarderCpus(values.root ?? '/', run.config.forwarder.envFile);
      ctx.stdout.write(`${formatFullXml(input, { node, forwarderCpus })}\n`);
      return 0;
    } finally {
      await run.close();
    }
  },
};
