// Writes the roff man page from its Markdown source with the compiled
// converter: node man/build.mjs man/vfkeeper.8.md man/vfkeeper.8
// (`make man/vfkeeper.8` builds dist/ first).
import { readFileSync, writeFileSync } from 'node:fs';
import { formatManPage } from '../dist/packaging/man-page.js';

const [source, target] = process.argv.slice(2);
if (source === undefined || target === undefined) {
  console.error('usage: node man/build.mjs SOURCE.md TARGET');
  process.exit(2);
}
writeFileSync(target, formatManPage(readFileSync(source, 'utf8')));
