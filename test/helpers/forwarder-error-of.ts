// The ForwarderError a promise rejects with; anything else (a resolve, or
// another kind of error) fails the test, saying what came instead.
import { ForwarderError } from '../../src/dataplane/forwarder-error.js';

export async function forwarderErrorOf(p: Promise<unknown>): Promise<ForwarderError> {
  const e: unknown = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!(e instanceof ForwarderError)) throw new Error(`expected a ForwarderError, got ${String(e)}`);
  return e;
}
