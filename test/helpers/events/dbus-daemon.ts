// A real dbus-daemon on a private bus in a temporary directory, for the
// D-Bus tests. Started with its own configuration (a unix:path socket, one
// permissive policy); stop() kills it like a crash, start() brings it back
// at the same address.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export class PrivateBus {
  readonly address: string;
  private child: ChildProcess | null = null;
  private readonly config: string;

  constructor(dir: string) {
    const socket = join(dir, 'bus');
    this.address = `unix:path=${socket}`;
    this.config = join(dir, 'bus.conf');
    writeFileSync(
      this.config,
      `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>vfkeeper-test</type>
  <listen>${this.address}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`,
    );
  }

  /** Resolves once the daemon listens (it prints its address then). */
  async start(): Promise<void> {
    const child = spawn('dbus-daemon', [`--config-file=${this.config}`, '--nofork', '--print-address'], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    this.child = child;
    await new Promise<void>((resolve, reject) => {
      const lines = createInterface({ input: child.stdout });
      lines.once('line', () => resolve());
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`dbus-daemon exited with ${code}`)));
    });
  }

  /** SIGKILL, as a crash: clients see the connection drop. */
  async kill(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }
}
