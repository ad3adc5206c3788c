// MESSAGE_ID values: one fixed 128-bit id (sd_id128 form, made once with
// `systemd-id128 new`) per kind of entry. Each has an entry in
// units/vfkeeper.catalog, so `journalctl -x` explains it; a test keeps the two
// in sync. Never change an id once released: users filter on them.
import type { StepKind } from '../model/step.js';

/** How a step ended, as cli.md's `result`. */
type Result = 'ok' | 'failed' | 'skipped' | 'planned';

// Typed by StepKind, so adding a step kind without its ids does not compile.
const STEP_IDS: Readonly<Record<`step.${StepKind}.${Result}`, string>> = {
  'step.set-link-up.ok': 'c0f43a856e2741bfa06f7c7f04588a77',
  'step.set-link-up.failed': '42571906558c465a92ef3feef56ef8a6',
  'step.set-link-up.skipped': 'eb6f67c2419a41b490be8a79e49f27f4',
  'step.set-link-up.planned': 'c4d9f4318e4a4ccc826cb0fe87a6ba22',
  'step.set-mtu.ok': '654ea5872aaf4193b981389d1fd3ccef',
  'step.set-mtu.failed': '9d9f1045f37b4438916db457c4170378',
  'step.set-mtu.skipped': '440e5d03b75f4ee49561a73d7ecc9db9',
  'step.set-mtu.planned': '0f7b4babfe834467bf47c501233d37cc',
  'step.set-autoprobe.ok': 'c404b70c8f184d3584833d60d93d8c1e',
  'step.set-autoprobe.failed': 'cae3876b3ad5470baf03c173016600b7',
  'step.set-autoprobe.skipped': 'e39faf12fc4840929160f41716f4fb52',
  'step.set-autoprobe.planned': '71b52b3c541c4e52a6a543101489f574',
  'step.set-numvfs.ok': 'c1280fa4bc3546e5bcb9e191c5054067',
  'step.set-numvfs.failed': '512fd6fe5a1347178a06b708da337554',
  'step.set-numvfs.skipped': 'b3fd5621885648f6aa85098a1654019f',
  'step.set-numvfs.planned': 'bb30ded9c53d44f6beb131afccf7bd95',
  'step.load-module.ok': 'ad2073ad1e8b4c69bbacdf240cf5321a',
  'step.load-module.failed': 'ecfe0b50468c415ea39301ba60324f38',
  'step.load-module.skipped': '487aeb6cc5124436a51c8daf0a5801e5',
  'step.load-module.planned': 'ccd26092fd8341cda1d032df4b2e909c',
  'step.set-vf-mac.ok': '448dcc2f79e6455e8e3230f1d369ac8f',
  'step.set-vf-mac.failed': '2052fa20c69841a28774322a0a21665b',
  'step.set-vf-mac.skipped': 'e2d7b038ae8743808560138a3426bcf2',
  'step.set-vf-mac.planned': 'd683825d39644c87bd776e87e04da378',
  'step.set-vf-vlan.ok': 'fe23847c09ce48eeb5ebacbe609e7b2b',
  'step.set-vf-vlan.failed': 'edf3cfa50ce54475ae4bdb6e58bd6a7c',
  'step.set-vf-vlan.skipped': '5b3efabfe9564aba956db157fab620f1',
  'step.set-vf-vlan.planned': '399f9b04ccdc408192fb110db5fdfc1f',
  'step.set-vf-spoofchk.ok': '085dd81322a44c35920eacea072b5e9d',
  'step.set-vf-spoofchk.failed': '2679fcb01f9b4cb5a7be02aa44127acd',
  'step.set-vf-spoofchk.skipped': 'cc7870b7a35d45cb97e901fa777b1f6d',
  'step.set-vf-spoofchk.planned': 'bbf06b5f37d9410d81a109c748e5f7ea',
  'step.set-vf-trust.ok': 'ced654bdc43e4b5eb5776662542fc461',
  'step.set-vf-trust.failed': '80f1063ec7884e0093b7d26c59db229a',
  'step.set-vf-trust.skipped': 'f8edb654d31a41399cf120b06de96a03',
  'step.set-vf-trust.planned': 'fa60bcf5d3a147e1816339e899dbf322',
  'step.set-vf-link-state.ok': 'e6acb6c8437848f1b3064b886013fe80',
  'step.set-vf-link-state.failed': '05a385750c914d87be6472b6dd2c88e7',
  'step.set-vf-link-state.skipped': '6e6f90a868c3420d90de1fc7f5cc356b',
  'step.set-vf-link-state.planned': '6cd53ba12473450f9e83f0b5e689bb35',
  'step.set-vf-rate.ok': 'c8c05236bdd240f594d812d4b70fc64e',
  'step.set-vf-rate.failed': 'e888995b4ea64b209c58542d7147b832',
  'step.set-vf-rate.skipped': '4759295e77624dc9ba717c64be23583c',
  'step.set-vf-rate.planned': '379310e373f440519c86ec85305e10d1',
  'step.set-vf-query-rss.ok': '320ef4ad3f664d61ba2ea9e8e6bd78a3',
  'step.set-vf-query-rss.failed': '7bdf32c95819441fb6ea0f0baad7a270',
  'step.set-vf-query-rss.skipped': 'c361d4ffdd6c469687873e52b6e0d705',
  'step.set-vf-query-rss.planned': '9001e70e328740d5b3209acd37528c51',
  'step.bind-driver.ok': '0ff00b75bd954a6f8652f870ff93ca72',
  'step.bind-driver.failed': 'd9adc758bdb047de9b6369d160a651c4',
  'step.bind-driver.skipped': '9ef6e7cf73724d349246e9b54e08614a',
  'step.bind-driver.planned': '72656ffc666f47deab32122da2d9ff4a',
  'step.attach-relay.ok': '3a134295154f4379b886c08e496d5514',
  'step.attach-relay.failed': '3f1fbf0830bb44958c798afbb372881e',
  'step.attach-relay.skipped': '0f1a98c2ed7b4839aad06afd5c97739c',
  'step.attach-relay.planned': '1c148e36ca104a1cbb39c688a092d6e5',
  'step.detach-relay.ok': '165c78ee0f3b405ea0ed839121123356',
  'step.detach-relay.failed': '91431f7505ee4a9b85ebe0f8e3b63c48',
  'step.detach-relay.skipped': '32058fb21a5c429da94f4eaede8b7fb7',
  'step.detach-relay.planned': 'c787d7052474415f99433611d142b609',
  'step.chown-socket.ok': '36b9b094c8eb46c1904cbb908bf7ffcb',
  'step.chown-socket.failed': '94562ac9480d478ea8fe42ab386d9120',
  'step.chown-socket.skipped': 'f623e5ed9fdf42a4b69db06149dc8356',
  'step.chown-socket.planned': 'b4bea9c988af43e0abf0d061dc583a32',
  'step.repoint-firmware-link.ok': '43f95d95e96a488198a283f13f6d4176',
  'step.repoint-firmware-link.failed': '8d6f8d08b119474bb3c76732c461eb74',
  'step.repoint-firmware-link.skipped': '64dc61e60c1448b48e71821c15279ecb',
  'step.repoint-firmware-link.planned': 'cb75aa3bffe34a1da7840797995708ab',
};

// Failures whose cause has its own explanation (the errno or error code is
// the last segment).
const CAUSE_IDS: Readonly<Record<string, string>> = {
  'step.set-numvfs.failed.EBUSY': '41fd9c156da34836bc811be1ca23c5e6',
  'step.set-numvfs.failed.ERANGE': '6e3e2fe0e0894e5b9b715fe0510148ca',
  'step.set-numvfs.failed.ENOENT': '8631a92ebabf4820a68f73f3436b11d2',
  'step.set-numvfs.failed.ENOMEM': '3c998af1f435497784675dc4d28bf6ec',
  'step.set-numvfs.failed.ENOSPC': '590d2f6f54e643808fbc555d9107a567',
  'step.set-numvfs.failed.ERR_SYSFS_TIMEOUT': '4789ba358d124424839d3b2c03f6afb8',
  'step.bind-driver.failed.ERR_NO_IOMMU_GROUP': '56edc0b19c0545bf885ccfd954006d2e',
  'refusal.blocked.ERR_FIRMWARE_NOT_SRIOV': 'b132dd0ae68f4c34a1f96f368acbbb11',
  'refusal.blocked.ERR_FIRMWARE_UNKNOWN': 'f6b9c653ca294d77a28ed3acfb4773a2',
  'refusal.blocked.ERR_NO_PF_DRIVER': '5f95fe2e2a5543c4b0c386e15b240e6c',
  'refusal.blocked.ERR_PF_NETDEV_SETTLING': 'ab1eda01f98a49a9bd92113aa67a82a9',
  'refusal.blocked.ERR_VF_RATE_NO_CARRIER': 'e4c5e82638f040f18b668df0f8dffc9e',
  'refusal.blocked.ERR_STRAY_VFS': '74d9419be8bd41aba5939f2373a10fab',
  'refusal.blocked.ERR_VF_INDEX': 'ec34e6ff4d394d879de38952f234672c',
  'refusal.blocked.ERR_VFS_ABOVE_TOTAL': 'fe85d47327794bfd9ef9d8a6db3a9337',
  'refusal.blocked.ERR_RELAY_NUMBERS': 'b13234a8decb4b6f9c2159016e37792d',
  'refusal.blocked.ERR_STATIC_VFS': '90b25ddfcee64a208d3e6505cc236aff',
  'refusal.warning.ERR_STATIC_VF_OVERLAP': '4e61dd4216fe42ed875bce33442fe009',
  'refusal.guard.ERR_GUARD_STATIC_VF': '27e3fa86f248430e860a5d872d74abbf',
  'refusal.guard.ERR_GUARD_STATIC_UNKNOWN': '62b56324297342ab858350634a1fcf54',
  'refusal.warning.ERR_NO_RELAY_NUMBER': 'f2703af35eea4a04a6ff9ba418a9e6d8',
  'refusal.warning.ERR_RULE_UNMATCHED': 'dc72d717702245c082f2230d6f186a6a',
  'refusal.guard.ERR_GUARD_WORKLOAD_UNKNOWN': '367da77a9ee848baa0c62dbe42599947',
  'refusal.guard.ERR_GUARD_RELAYS_UNKNOWN': 'a08ddc864c4e404b8bca8a965d6d7ec5',
};

/** The key whose id is used when nothing more specific matches. */
export const GENERIC_MESSAGE_KEY = 'vfkeeper';
const GENERIC_ID = '731e7279fc9b44aabd1ed708ead3bd7a';

const OTHER_IDS: Readonly<Record<string, string>> = {
  [GENERIC_MESSAGE_KEY]: GENERIC_ID,
  'run.start': '56ec7e1e161a47b7ad925a4b0733de3c',
  'run.end': '5b9cc49e5bc84f2ca86f0a5024887033',
  'refusal.guard': '8d311725f13a4f308c4dc8f01e65917f',
  'refusal.blocked': '20381db1569d47dd9e0278639d21a038',
  'refusal.warning': '2ff6cf62ee944b5e92694b3343f9e94d',
  'forwarder.unreachable': '20cd179ad69549f98e20adb8ea4f1eb6',
  'forwarder.waiting': 'b894787b1a444d878e0be6993f7ee75d',
  'firmware-link.wrong': '24f22835e99a40b99232e643ae5ab770',
  'vf-setting.unsupported': 'da970ff72ea44d738864b58b1c6938c5',
  'firmware-link.fixed': '19d0f4da46e74be89cff327669e46327',
  'initramfs.refreshed': '64e59e1028484352a282e609f01080fd',
  'initramfs.refresh-failed': '417050b9b9184e228714c941f62746b7',
  'config.invalid': '4d7843d7ee3349b78791c91687d471e6',
  'config.reloaded': 'd2c71eb9ef044fb5bc6fb5fadb23c8dd',
  'daemon.ready': 'b83c90f8316f44fcb6efaeefd6f8a115',
  'daemon.stopping': 'f60bfef260c74b4db2208846ebf68157',
  'daemon.paused': '123cedc68022439eab48b8a3f5b2ff25',
  'daemon.resumed': '7cc49b3c66484ce88fba1b28190aa797',
  'pf.stuck': 'a0630119a2874784bcf946eeee9ad80e',
  'event.ignored': 'f2d42d1b70fe487381c9c099050b8aca',
  'event.hook': '023f4a2af89c41d2b519cbb9ed94cfbc',
  'udev.monitor-restarted': '23b1103c5ce84a06bd523be91dd3ba94',
};

const IDS: ReadonlyMap<string, string> = new Map(Object.entries({ ...OTHER_IDS, ...STEP_IDS, ...CAUSE_IDS }));

/** Every key that has its own id (and so its own catalog entry). */
export const MESSAGE_KEYS: readonly string[] = Object.freeze([...IDS.keys()]);

/**
 * The MESSAGE_ID for a dotted key such as `step.set-numvfs.failed.EBUSY`:
 * the key's own id, else that of the key without its last segment
 * (`step.set-numvfs.failed`), and so on; the generic vfkeeper id last.
 */
export function messageIdFor(key: string): string {
  for (let k = key; k !== ''; k = dropLastSegment(k)) {
    const id = IDS.get(k);
    if (id !== undefined) return id;
  }
  return GENERIC_ID;
}

/** The key an id was assigned to, or undefined for an id that is not ours. */
export function messageKeyFor(id: string): string | undefined {
  for (const [key, value] of IDS) if (value === id) return key;
  return undefined;
}

function dropLastSegment(key: string): string {
  const dot = key.lastIndexOf('.');
  return dot < 0 ? '' : key.slice(0, dot);
}
