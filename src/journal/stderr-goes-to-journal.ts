// Whether this process's stderr is connected to journald: systemd sets
// JOURNAL_STREAM to the device:inode of the stream it connected, and a
// child whose stderr was redirected inherits the variable but not the
// stream (systemd.exec(5): compare them). Then `<N>` lines are right:
// journald reads the priority from them. Otherwise a person reads stderr.
import { fstatSync } from 'node:fs';

export function stderrGoesToJournal(env: Readonly<Record<string, string | undefined>>, stream: NodeJS.WritableStream): boolean {
  const journal = env.JOURNAL_STREAM;
  if (journal === undefined || journal === '') return false;
  // A stream of the caller's (a test's): the variable is all there is to go by.
  if (stream !== process.stderr) return true;
  try {
    const st = fstatSync(2);
    return `${st.dev}:${st.ino}` === journal;
  } catch {
    return false;
  }
}
