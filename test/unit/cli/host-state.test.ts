// Each host's state is its own: a command aimed at a simulated host or a
// copied sysfs tree keeps pause, relay numbers and run lock beside it.
import { describe, expect, it } from 'vitest';
import { hostStateFor, pauseFileIn } from '../../../src/cli/host-state.js';

const socket = '/run/vfkeeper/control.sock';

describe('hostStateFor', () => {
  it('keeps a simulated host state beside its state file, whatever VFKEEPER_STATE_DIR says', () => {
    const s = hostStateFor(
      { simulate: '/tmp/x/h.json', sysfsRoot: undefined, controlSocket: socket },
      { VFKEEPER_STATE_DIR: '/var/lib/vfkeeper' },
    );
    expect(s).toEqual({ dir: '/tmp/x/h.json.vfkeeper', lockFile: '/tmp/x/h.json.lock', realHost: false });
    expect(pauseFileIn(s)).toBe('/tmp/x/h.json.vfkeeper/pause.json');
  });

  it('keeps a sysfs tree state and its run lock beside the tree, not under /run/vfkeeper', () => {
    expect(hostStateFor({ simulate: undefined, sysfsRoot: '/tmp/t/sys/', controlSocket: socket }, {})).toEqual({
      dir: '/tmp/t/sys.vfkeeper',
      lockFile: '/tmp/t/sys.vfkeeper/vfkeeper.lock',
      realHost: false,
    });
  });

  it('keeps the real host state in /var/lib/vfkeeper (or VFKEEPER_STATE_DIR), also when /sys is named', () => {
    const real = { dir: '/var/lib/vfkeeper', lockFile: '/run/vfkeeper/vfkeeper.lock', realHost: true };
    expect(hostStateFor({ simulate: undefined, sysfsRoot: undefined, controlSocket: socket }, {})).toEqual(real);
    expect(hostStateFor({ simulate: undefined, sysfsRoot: '/sys', controlSocket: socket }, {})).toEqual(real);
    expect(hostStateFor({ simulate: undefined, sysfsRoot: undefined, controlSocket: socket }, { VFKEEPER_STATE_DIR: '/srv/s' }).dir).toBe(
      '/srv/s',
    );
  });
});
