// Injected into each CommonJS bundle by scripts/bundle.mjs: what the
// sources read as import.meta.url (a module's own file URL), for a bundle
// that has no import.meta: the bundle's own file, as dist/cli/*.js has its own.
/* global __filename */
export const __vfkeeperModuleUrl = process.getBuiltinModule('node:url').pathToFileURL(__filename).href;
