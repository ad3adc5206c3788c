// The firmware guard's judgement, pure: which links of the firmware
// directory point at another flavour than the configured one, and where each
// should point instead. A link is only re-pointed to the same file name under
// <flavour>/, and only when that file exists; anything else is left alone
// and reported. Links whose target lies outside the directory (a support-site
// package such as /opt/netronome/agilio-sriov-firmware/) are not judged.
import type { FirmwareLink, FirmwareTree } from '../model/firmware.js';

export type FirmwareLinkVerdict =
  /** Points into <flavour>/ already. */
  | { kind: 'ok'; link: FirmwareLink; flavour: string }
  /** Points into another flavour; <flavour>/<name> exists, so `want` is its new target. */
  | { kind: 'repoint'; link: FirmwareLink; flavour: string; want: string }
  /** Points into another flavour, but <flavour>/ has no file of that name: left alone. */
  | { kind: 'no-counterpart'; link: FirmwareLink; flavour: string }
  /** Points outside the firmware directory: left alone. */
  | { kind: 'external'; link: FirmwareLink; resolved: string };

export type FirmwareRepoint = Extract<FirmwareLinkVerdict, { kind: 'repoint' }>;

export interface FirmwarePlan {
  dir: string;
  flavour: string;
  /** <dir>/<flavour>/ exists. */
  flavourPresent: boolean;
  /** One per link, sorted by name. */
  verdicts: FirmwareLinkVerdict[];
}

/** "(top level)" names a target that sits in the directory itself, not in a flavour. */
export const TOP_LEVEL = '(top level)';

export function planFirmwareLinks(tree: FirmwareTree, flavour: string): FirmwarePlan {
  const available = new Set(tree.flavourFiles ?? []);
  const verdicts = [...tree.links]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((link) => planLink(tree.dir, link, flavour, available));
  return { dir: tree.dir, flavour, flavourPresent: tree.flavourFiles !== null, verdicts };
}

/** The links to re-point, in name order. */
export function planFirmwareRepoints(plan: FirmwarePlan): FirmwareRepoint[] {
  return plan.verdicts.filter((v): v is FirmwareRepoint => v.kind === 'repoint');
}

function planLink(dir: string, link: FirmwareLink, flavour: string, available: ReadonlySet<string>): FirmwareLinkVerdict {
  const resolved = link.target.startsWith('/') ? normalisePath(link.target) : normalisePath(`${dir}/${link.target}`);
  const base = normalisePath(dir);
  if (!resolved.startsWith(`${base}/`)) return { kind: 'external', link, resolved };
  const inside = resolved.slice(base.length + 1).split('/');
  const linkFlavour = inside.length > 1 ? (inside[0] ?? TOP_LEVEL) : TOP_LEVEL;
  if (linkFlavour === flavour) return { kind: 'ok', link, flavour: linkFlavour };
  if (available.has(link.name)) return { kind: 'repoint', link, flavour: linkFlavour, want: `${flavour}/${link.name}` };
  return { kind: 'no-counterpart', link, flavour: linkFlavour };
}

/** POSIX path normalisation without touching the file system: "/a/./b/../c/" -> "/a/c". */
export function normalisePath(path: string): string {
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return `/${out.join('/')}`;
}
