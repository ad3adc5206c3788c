// The .deb as lintian sees it: no errors, no warnings (each tag that is
// expected is overridden in packaging/debian/lintian-overrides, shipped in
// the package, with why). Run here, in the guest's own Debian root, rather
// than on the host: installing lintian pulls in newer packages of the host's
// (perl, with one of its dependencies), and a check must never change the
// machine it runs on.
import { runCommand } from '../lib/exec.js';
import { VfkeeperError } from '../../../../src/model/errors.js';
import type { PackageContext } from './context.js';

const LINTIAN_MS = 600_000;

export async function runLintian(ctx: PackageContext): Promise<void> {
  const deb = ctx.debs.old.path;
  await ctx.rec.step('lintian: no error and no warning on the .deb', async () => {
    const r = await runCommand(['lintian', '--fail-on', 'error,warning', '--no-tag-display-limit', deb], { timeoutMs: LINTIAN_MS });
    const said = `${r.stdout}${r.stderr}`.trim();
    ctx.rec.fact('lintianOutput', said.slice(-3000));
    if (r.status !== 0) {
      const why = r.status === null ? `was killed after ${LINTIAN_MS} ms` : `exited with ${r.status}`;
      throw new VfkeeperError('ERR_E2E_COMMAND', `lintian ${deb} ${why}: ${said}`, {
        hint: 'fix the package, or override a tag that is expected in packaging/debian/lintian-overrides with why',
      });
    }
  });
}
