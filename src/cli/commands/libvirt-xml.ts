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

const usage = `Usage: vfkeeper libvirt-xml --virtio-id N [--full]

  Prints the <interface type='vhostuser'> element for relay N, with its VF's MAC
  and socket path; --full adds the hugepage <memoryBacking> and the <numa> cell
  with memAccess='shared' that virtio-forwarder needs.`;

export const libvirtXmlCommand: Command = {
  name: 'libvirt-xml',
  usage,
  async run(ctx) {
    const { values } = parseCommandArgs(ctx.args, { 'virtio-id': { type: 'string' }, full: { type: 'boolean' } }, usage);
    if (values['virtio-id'] === undefined) throw new UsageError('--virtio-id needs a relay number', usage);
    const id = parseWholeNumber(values['virtio-id'], 'virtio-id', { min: MIN_VIRTIO_ID, max: MAX_VIRTIO_ID }, usage);
    const run = await openRunContext(ctx, { logs: false });
    try {
      const { observed } = await observe(run.host, run.config, run.forwarder);
      const vfsAfter = new Map(observed.pfs.flatMap((pf) => pf.vfs.map((vf) => [vf.pci, { driver: vf.driver, pf: pf.pci }] as const)));
      const wanted = wantedRelays(run.config, observed.pfs, vfsAfter, currentRelayNumbers(run.config, observed)).find(
        (w) => w.virtioId === id,
      );
      const vf = observed.pfs.flatMap((pf) => pf.vfs).find((v) => v.pci === wanted?.vf);
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
      ctx.stdout.write(`${values.full ? formatFullXml(input) : formatInterfaceXml(input)}\n`);
      return 0;
    } finally {
      await run.close();
    }
  },
};
