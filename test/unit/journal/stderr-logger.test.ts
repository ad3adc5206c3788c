import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createStderrLogger } from '../../../src/journal/stderr-logger.js';
import { Priority } from '../../../src/journal/types.js';
import { captureStream } from '../../helpers/capture-stream.js';

describe('the stderr logger', () => {
  it('writes one <N> line per entry, in order', async () => {
    const out = captureStream();
    const logger = createStderrLogger({ stream: out.stream });
    logger.log({ priority: Priority.info, message: 'VF 0000:02:08.0 bound to vfio-pci', fields: { VF_PCI_SLOT: '0000:02:08.0' } });
    logger.log({ priority: Priority.err, message: 'relay 1: forwarder did not answer' });
    await logger.flush();
    expect(out.lines()).toEqual([
      '<6>VF 0000:02:08.0 bound to vfio-pci [VF_PCI_SLOT=0000:02:08.0]',
      '<3>relay 1: forwarder did not answer',
    ]);
  });

  it('leaves out entries less severe than maxPriority', async () => {
    const out = captureStream();
    const logger = createStderrLogger({ stream: out.stream, maxPriority: Priority.warning });
    logger.log({ priority: Priority.debug, message: 'event ignored' });
    logger.log({ priority: Priority.info, message: 'step ok' });
    logger.log({ priority: Priority.warning, message: 'guard refused' });
    await logger.flush();
    expect(out.lines()).toEqual(['<4>guard refused']);
  });

  it('flush() waits until a slow stream has taken every line', async () => {
    const written: string[] = [];
    const release: Array<() => void> = [];
    const slow = new Writable({
      highWaterMark: 1,
      write(chunk: Buffer, _encoding, callback) {
        release.push(() => {
          written.push(chunk.toString());
          callback();
        });
      },
    });
    const logger = createStderrLogger({ stream: slow });
    logger.log({ priority: Priority.info, message: 'a' });
    logger.log({ priority: Priority.info, message: 'b' });
    let flushed = false;
    const flushing = logger.flush().then(() => (flushed = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(flushed).toBe(false);
    while (release.length > 0) {
      release.shift()?.();
      await new Promise((resolve) => setImmediate(resolve));
    }
    await flushing;
    expect(written).toEqual(['<6>a\n', '<6>b\n']);
  });

  it('neither throws nor hangs when the stream is broken', async () => {
    const broken = new Writable({
      write(_chunk, _encoding, callback) {
        callback(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
      },
    });
    const logger = createStderrLogger({ stream: broken });
    expect(() => logger.log({ priority: Priority.err, message: 'x' })).not.toThrow();
    await logger.flush();
    broken.destroy();
    expect(() => logger.log({ priority: Priority.err, message: 'after destroy' })).not.toThrow();
    await logger.close();
  });
});
