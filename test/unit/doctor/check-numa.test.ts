// numa: PF, forwarder CPUs and hugepages on one node, on a two-socket fixture host.
import { describe, expect, it } from 'vitest';
import { useGuideHost } from './check-helpers.js';
import { pf, put } from './fixture-host.js';

const host = useGuideHost();

async function twoNodes(root: string, pages: { node0: number; node1: number }): Promise<void> {
  await put(root, '/sys/devices/system/node/node0/cpulist', '0-7\n');
  await put(root, '/sys/devices/system/node/node1/cpulist', '8-15\n');
  await put(root, '/sys/devices/system/node/node0/hugepages/hugepages-2048kB/nr_hugepages', `${pages.node0}\n`);
  await put(root, '/sys/devices/system/node/node1/hugepages/hugepages-2048kB/nr_hugepages', `${pages.node1}\n`);
}

describe('numa', () => {
  it('passes on a one-node host', async () => {
    const r = await host.check('numa');
    expect(r).toMatchObject({ status: 'pass', evidence: expect.stringMatching(/^one NUMA node/) });
  });

  it('warns when the forwarder polls from another node than the PF, and when the PF node has no hugepages; the fix names the node', async () => {
    await twoNodes(host.root, { node0: 1375, node1: 0 });
    await put(host.root, '/etc/default/virtioforwarder', 'VIRTIOFWD_VHOST_CLIENT=\nVIRTIOFWD_CPU_MASK=1,2\n');
    const r = await host.check('numa', { pfs: [{ ...pf('sriov-2.1.14'), numaNode: 1 }] });
    expect(r.status).toBe('warn');
    expect(r.evidence).toBe(
      'PF enp2s0np0 (0000:02:00.0) on node 1; forwarder CPUs 1-2 (VIRTIOFWD_CPU_MASK) on node 0; hugepages: node0 1375x2M 8x1G, node1 0x2M 0x1G',
    );
    expect(r.fix).toContain('VIRTIOFWD_CPU_MASK=<CPUs of node 1: 8-15>');
    expect(r.fix).toContain('echo 1375 > /sys/devices/system/node/node1/hugepages/hugepages-2048kB/nr_hugepages');
  });

  it('passes when all three are on the PF node', async () => {
    await twoNodes(host.root, { node0: 0, node1: 1375 });
    await put(host.root, '/etc/default/virtioforwarder', 'VIRTIOFWD_VHOST_CLIENT=\nVIRTIOFWD_CPU_MASK=0x300\n');
    const r = await host.check('numa', { pfs: [{ ...pf('sriov-2.1.14'), numaNode: 1 }] });
    expect(r).toMatchObject({ status: 'pass', evidence: expect.stringContaining('forwarder CPUs 8-9 (VIRTIOFWD_CPU_MASK) on node 1') });
  });
});
