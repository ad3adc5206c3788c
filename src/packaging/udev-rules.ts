// The udev rules for a configuration: what `vfkeeper udev-rules` prints and,
// for the built-in configuration, udev-rules/70-vfkeeper.rules as shipped.
// Pure text from a Config. Nothing runs from udev but TAG+="systemd" and
// properties: udev kills long RUN programs, and the work belongs to the
// resident daemon.
import type { Config } from '../model/config.js';
import { parseRuleMatch, planPfPciKeys, planVfKeys } from './udev-match.js';

export const UDEV_RULES_NAME = '70-vfkeeper.rules';

const WANTS = 'TAG+="systemd", ENV{SYSTEMD_WANTS}+="vfkeeper.service"';
const UNMANAGED = 'ENV{NM_UNMANAGED}="1"';

const HEADER = [
  `# ${UDEV_RULES_NAME}: start vfkeeper when a PF it manages appears, and keep`,
  "# NetworkManager off that PF's VFs. Printed by `vfkeeper udev-rules` from the",
  '# configuration; to use your own, save its output as',
  `# /etc/udev/rules.d/${UDEV_RULES_NAME}. No RUN programs: the work belongs to`,
  '# the resident daemon.',
];

interface RuleLines {
  pfPci: string[];
  pfNet: string[];
  vfPci: string[];
  vfNet: string[];
}

function planRuleLines(config: Config): RuleLines {
  const lines: RuleLines = { pfPci: [], pfNet: [], vfPci: [], vfNet: [] };
  config.pfs.forEach((rule, i) => {
    const match = parseRuleMatch(rule.match, `pfs[${i}].match`);
    const pfKeys = planPfPciKeys(match);
    if (pfKeys === null) lines.pfNet.push(`KERNEL=="${match.netdev ?? ''}", ${WANTS}`);
    else lines.pfPci.push([...pfKeys, WANTS].join(', '));
    lines.vfPci.push([...planVfKeys(match, ''), UNMANAGED].join(', '));
    lines.vfNet.push([...planVfKeys(match, 'device/'), UNMANAGED].join(', '));
  });
  return {
    pfPci: [...new Set(lines.pfPci)],
    pfNet: [...new Set(lines.pfNet)],
    vfPci: [...new Set(lines.vfPci)],
    vfNet: [...new Set(lines.vfNet)],
  };
}

function formatGroup(comment: string[], rules: string[]): string[] {
  return rules.length === 0 ? [] : [...comment.map((c) => `# ${c}`), ...rules];
}

function formatPciSection(lines: RuleLines): string[] {
  return [
    'LABEL="vfkeeper_pci"',
    ...formatGroup(
      [
        'A managed PF appeared (hotplug, or coldplug at boot): pull the daemon in',
        'even if nobody enabled it. Its add comes before its driver is bound; the',
        'daemon waits for the bind. Tagged on every event, else systemd would',
        'take the device unit down again.',
      ],
      lines.pfPci,
    ),
    ...formatGroup(
      [
        'Its VFs belong to vfio-pci and the forwarder, not NetworkManager. On every',
        'event (add, change, move, bind), since udev recomputes properties each time.',
      ],
      lines.vfPci,
    ),
    'GOTO="vfkeeper_end"',
  ];
}

function formatNetSection(lines: RuleLines): string[] {
  return [
    'LABEL="vfkeeper_net"',
    ...formatGroup(
      ['A managed PF known by its netdev name; udev renames a netdev after its', 'add, so its move carries the name.'],
      lines.pfNet,
    ),
    ...formatGroup(["The same VFs while the NIC's VF driver gives them a netdev, found through", 'their PCI function.'], lines.vfNet),
  ];
}

/** A file name may hold a newline; in a comment it must not end the comment. */
function formatCommentText(text: string): string {
  return [...text].map((c) => (c < ' ' || c === '\u007f' ? '?' : c)).join('');
}

/** The whole rules file for a configuration; throws VfkeeperError on a value udev cannot hold. */
export function formatUdevRules(config: Config): string {
  const lines = planRuleLines(config);
  const sources = config.sources.length === 0 ? [] : [`# Configuration: ${formatCommentText(config.sources.join(', '))}`];
  return [
    ...HEADER,
    ...sources,
    '',
    'ACTION=="remove", GOTO="vfkeeper_end"',
    'SUBSYSTEM=="pci", GOTO="vfkeeper_pci"',
    'SUBSYSTEM=="net", GOTO="vfkeeper_net"',
    'GOTO="vfkeeper_end"',
    '',
    ...formatPciSection(lines),
    '',
    ...formatNetSection(lines),
    '',
    'LABEL="vfkeeper_end"',
    '',
  ].join('\n');
}
