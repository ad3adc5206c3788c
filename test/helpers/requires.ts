// A test that needs a tool, a capability or root skips where it is missing
// on a developer's machine, and fails in CI (CI=true): CI must prove what
// the test covers, and `make check` installs what it needs, so a tool
// missing there is a broken set-up, not a reason to pass.
const inCi = process.env['CI'] === 'true';

/** For it.skipIf(): skip only outside CI, and only when the thing is missing. */
export function skipWhenMissing(present: boolean): boolean {
  return !present && !inCi;
}

/** First line of such a test: in CI, a missing tool fails it with what to install. */
export function assertPresent(present: boolean, what: string): void {
  if (!present)
    throw new Error(`${what} is missing, and CI=true: CI must run this test (make check installs it; see APT_PKGS in the Makefile)`);
}
