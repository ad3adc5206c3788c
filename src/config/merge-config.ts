// From validated files to one Config: pure. Sections left out keep their
// defaults; object sections merge key by key in file order; `pfs` lists
// from all files are concatenated (a drop-in per NIC), and the built-in PF
// rule applies only when no file names any PF; a later `relays` replaces an
// earlier one.
import { defaultConfig, defaultPfRule, type Config, type PfRule, type RelayRule } from '../model/config.js';
import { parsePciAddress } from '../model/pci.js';
import { ConfigError } from './config-error.js';
import { parseHex16, type ConfigFile } from './schema.js';
import { toRuleVfSettings } from './vf-settings-config.js';

export interface ParsedFile {
  file: string;
  doc: ConfigFile;
}

export function mergeConfig(files: ParsedFile[]): Config {
  const config = defaultConfig();
  const pfs: PfRule[] = [];
  for (const { file, doc } of files) {
    doc.pfs?.forEach((pf, i) => pfs.push(toPfRule(pf, file, `pfs[${i}]`)));
    if (doc.relays !== undefined) config.relays = toRelays(doc.relays, file);
    mergeForwarder(config, doc);
    if (doc.firmware) Object.assign(config.firmware, stripUndefined(doc.firmware));
    if (doc.daemon) mergeDaemon(config, doc.daemon);
  }
  if (pfs.length > 0) config.pfs = pfs;
  config.sources = files.map((f) => f.file);
  return config;
}

type PfDoc = NonNullable<ConfigFile['pfs']>[number];

function toPfRule(pf: PfDoc, file: string, at: string): PfRule {
  const rule = { ...defaultPfRule({}), origin: `${file}: ${at}` };
  if (pf.match.netdev !== undefined) rule.match.netdev = pf.match.netdev;
  if (pf.match.pci !== undefined) rule.match.pci = parsePciAddress(pf.match.pci, `${file}: ${at}.match.pci`);
  if (pf.match.id !== undefined) {
    const [vendor, device] = pf.match.id.split(':');
    rule.match.vendor = parseHex16(vendor ?? '');
    if (device !== undefined) rule.match.device = parseHex16(device);
  }
  if (pf.vfs !== undefined) rule.vfs = pf.vfs;
  if (pf.mtu !== undefined) rule.mtu = pf.mtu;
  if (pf.firmware !== undefined) rule.firmware = pf.firmware;
  if (pf.vf_driver !== undefined) rule.vfDriver = pf.vf_driver;
  if (pf.vf_macs !== undefined) rule.vfMacs = Array.isArray(pf.vf_macs) ? pf.vf_macs.map((m) => m.toLowerCase()) : pf.vf_macs;
  if (Array.isArray(rule.vfMacs) && typeof rule.vfs === 'number' && rule.vfMacs.length < rule.vfs) {
    throw new ConfigError(file, `${at}.vf_macs`, `expected at least ${rule.vfs} MAC addresses (one per VF), got ${rule.vfMacs.length}`);
  }
  Object.assign(rule, toRuleVfSettings(pf, file, at));
  rule.origin = `${file}: ${at}`;
  return rule;
}

function toRelays(relays: NonNullable<ConfigFile['relays']>, file: string): Config['relays'] {
  if (relays === 'auto' || relays === 'observe') return relays;
  const seen = new Map<number, number>();
  return relays.map((r, i): RelayRule => {
    const first = seen.get(r.virtio_id);
    if (first !== undefined) {
      throw new ConfigError(file, `relays[${i}].virtio_id`, `expected a unique relay number, ${r.virtio_id} is also relays[${first}]`);
    }
    seen.set(r.virtio_id, i);
    const vf = 'pci' in r.vf ? { pci: parsePciAddress(r.vf.pci, `${file}: relays[${i}].vf.pci`) } : { pf: r.vf.pf, index: r.vf.index };
    return { virtioId: r.virtio_id, vf };
  });
}

function mergeForwarder(config: Config, doc: ConfigFile): void {
  const f = doc.forwarder;
  if (!f) return;
  const target = config.forwarder;
  if (f.enabled !== undefined) target.enabled = f.enabled;
  if (f.unit !== undefined) target.unit = f.unit;
  if (f.port_control !== undefined) target.portControl = f.port_control;
  if (f.stats !== undefined) target.stats = f.stats;
  if (f.socket_dir !== undefined) target.socketDir = f.socket_dir;
  if (f.socket_owner !== undefined) target.socketOwner = f.socket_owner;
  if (f.timeout_ms !== undefined) target.timeoutMs = f.timeout_ms;
  if (f.env_file !== undefined) target.envFile = f.env_file;
  if (f.relay_deadline_ms !== undefined) target.relayDeadlineMs = f.relay_deadline_ms;
}

function mergeDaemon(config: Config, d: NonNullable<ConfigFile['daemon']>): void {
  if (d.resync_seconds !== undefined) config.daemon.resyncSeconds = d.resync_seconds;
  if (d.write_timeout_ms !== undefined) config.daemon.writeTimeoutMs = d.write_timeout_ms;
  if (d.metrics_file !== undefined) config.daemon.metricsFile = d.metrics_file;
}

function stripUndefined<T extends object>(o: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as { [K in keyof T]: Exclude<T[K], undefined> };
}
