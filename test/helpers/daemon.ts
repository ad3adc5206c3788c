// The daemon as a child process against a simulated host and an emulated
// forwarder, as a test drives it: started, waited for, talked to, stopped.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { ForwarderEmulator } from '../../src/dataplane/emulator/emulator.js';
import { CLI, vfkeeper, vfkeeperAsync, type CliResult } from './cli.js';
import { formatEmulatorConfig } from './emulator-config.js';
import { tempDir } from './temp.js';
import { waitFor } from './wait-for.js';

export class DaemonRig {
  readonly t = tempDir('vfkd-');
  readonly fw = new ForwarderEmulator({ dir: this.t.path('fw') });
  readonly socket = this.t.path('ctl.sock');
  readonly state = this.t.path('h.json');
  readonly config = this.t.path('c.yaml');
  child: ChildProcess | null = null;
  stderr = '';
  exit: Promise<number | null> = Promise.resolve(null);

  async setUp(simArgs: string[] = ['--vfs', '8'], extraConfig = ''): Promise<void> {
    await this.fw.start();
    writeFileSync(this.state, vfkeeper(['sim', 'init', ...simArgs]).stdout);
    writeFileSync(this.config, formatEmulatorConfig(this.fw) + extraConfig);
  }

  /** Starts the daemon and waits until it says it is ready; `wrap` may put a program in front of its argv (unshare, setpriv). */
  async start(env: NodeJS.ProcessEnv = {}, wrap: (argv: string[]) => string[] = (argv) => argv): Promise<void> {
    this.stderr = '';
    const [command = process.execPath, ...args] = wrap([
      process.execPath,
      CLI,
      'daemon',
      '--simulate',
      this.state,
      '--config',
      this.config,
      '--control-socket',
      this.socket,
    ]);
    const child = spawn(command, args, {
      env: {
        ...process.env,
        VFKEEPER_LOG: 'stderr',
        VFKEEPER_STATE_DIR: this.t.path('state'),
        DBUS_SYSTEM_BUS_ADDRESS: 'unix:path=/nonexistent',
        ...env,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.child = child;
    child.stderr?.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.exit = new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal === 'SIGKILL' ? 137 : null))));
    await waitFor(
      () => this.stderr.includes('vfkeeper daemon ready') || child.exitCode !== null || child.signalCode !== null,
      'the daemon to be ready',
      60_000,
    );
    if (!this.stderr.includes('vfkeeper daemon ready')) throw new Error(`the daemon exited: ${this.stderr}`);
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    this.child?.kill(signal);
    const code = await this.exit;
    this.child = null;
    return code;
  }

  cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
    return vfkeeperAsync(['--simulate', this.state, '--config', this.config, '--control-socket', this.socket, ...args], {
      env: { VFKEEPER_STATE_DIR: this.t.path('state'), ...env },
    });
  }

  async status(): Promise<StatusJson> {
    const r = await this.cli(['status', '--json']);
    if (r.status !== 0) throw new Error(`status failed: ${r.stderr}`);
    return JSON.parse(r.stdout) as StatusJson;
  }

  /** Waits until every VF is on vfio-pci with its relay attached. */
  async waitConverged(vfs: number, what: string, deadlineMs = 30_000): Promise<void> {
    await waitFor(
      async () => {
        const s = await this.status();
        const all = s.pfs.flatMap((p) => p.vfs);
        return all.length === vfs && all.every((v) => v.driver === 'vfio-pci' && v.relay.state === 'attached');
      },
      what,
      deadlineMs,
    );
  }

  runsStarted(): number {
    return (this.stderr.match(/Reconcile run \w+ started/g) ?? []).length;
  }

  runsFinished(): number {
    return (this.stderr.match(/Reconcile run \w+ finished/g) ?? []).length;
  }

  async tearDown(): Promise<void> {
    if (this.child) await this.stop('SIGKILL');
    await this.fw.stop();
    this.t.remove();
  }
}

export interface StatusJson {
  paused: boolean;
  pause_reason: string | null;
  pfs: Array<{
    pci: string;
    numvfs: number;
    vfs: Array<{ pci: string; driver: string | null; relay: { virtio_id: number | null; state: string } }>;
  }>;
}
