// The front's way to status-alone.ts when no daemon answers: its own
// CommonJS bundle (dist/bundle-status/, scripts/bundle.mjs), required with
// V8's code cache (code-cache.ts). Not an import: the front is CommonJS,
// and importing an ES module would start Node's ESM loader, and not the
// whole command line's ES modules either, which would compile all of it
// afresh (bench/RESULTS.md 0h). The path is the same from dist/cli/ and
// dist/bundle/, so the compiled sources use the bundle too once it is built.
import { fileURLToPath } from 'node:url';
import { requireBundle } from './code-cache.js';
import type { ObserveStatus } from './commands/show-status.js';

export const STATUS_BUNDLE = fileURLToPath(new URL('../bundle-status/status-alone.js', import.meta.url));

export const observeStatusFromBundle: ObserveStatus = (ctx) => {
  const { observeStatus } = requireBundle(STATUS_BUNDLE).exports as { observeStatus: ObserveStatus };
  return observeStatus(ctx);
};
