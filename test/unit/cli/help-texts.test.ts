// Every command's --help reads the same way: "Usage: vfkeeper NAME ...",
// then the text indented by two spaces.
import { describe, expect, it } from 'vitest';
import { commands } from '../../../src/cli/commands/index.js';

describe('the help texts', () => {
  it.each(commands.map((c) => [c.name, c] as const))('%s: "Usage: vfkeeper NAME", then indented lines', async (name, entry) => {
    const command = await entry.load();
    const [first = '', ...rest] = command.usage.split('\n');
    expect(first.startsWith(`Usage: vfkeeper ${name}`)).toBe(true);
    for (const line of rest) expect(line === '' || line.startsWith('  '), `${name}: "${line}"`).toBe(true);
  });
});
