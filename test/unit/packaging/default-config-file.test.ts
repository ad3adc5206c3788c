// The shipped /etc/vfkeeper/vfkeeper.yaml is all comments; its commented
// settings must be the built-in defaults, key for key.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { defaultConfig, NETRONOME_VENDOR } from '../../../src/model/config.js';

const text = readFileSync(new URL('../../../etc/vfkeeper.yaml', import.meta.url), 'utf8');

/** A setting starts "#key:" and goes on with lines "#  ..."; the rest is prose. */
function uncomment(source: string): string {
  const kept: string[] = [];
  let inSetting = false;
  for (const line of source.split('\n')) {
    inSetting = /^#[a-z_]+:/.test(line) || (inSetting && line.startsWith('#  '));
    if (inSetting) kept.push(line.slice(1));
  }
  return kept.join('\n');
}

function camelKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camelKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase()), camelKeys(v)]),
  );
}

describe('etc/vfkeeper.yaml', () => {
  it('sets nothing: as shipped it is an empty document', () => {
    expect(parse(text)).toBeNull();
  });

  it('shows every section of the configuration with the built-in default values', () => {
    const shown = camelKeys(parse(uncomment(text))) as Record<string, unknown>;
    const { sources: _sources, pfs, ...rest } = defaultConfig();
    const { pfs: shownPfs, ...shownRest } = shown;
    expect(shownRest).toEqual(rest);
    const [rule] = pfs;
    // origin names where a rule was written (the built-in one here); overrides are a list in the file.
    const { origin: _origin, vfOverrides, ...shownRule } = rule ?? defaultConfig().pfs[0] ?? {};
    expect(shownPfs).toEqual([
      { ...shownRule, vfOverrides: Object.values(vfOverrides ?? {}), match: { id: NETRONOME_VENDOR.toString(16) } },
    ]);
  });
});
