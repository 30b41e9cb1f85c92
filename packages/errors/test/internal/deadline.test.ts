import { describe, expect, it } from 'vitest';
import { AbortError, NetworkTimeoutError } from '../../src/index.js';
import { sleep, startDeadline, withDeadline } from '../../src/internal/index.js';

const timeoutError = () => new NetworkTimeoutError('timed out', { timeoutMs: 20, phase: 'total' });

describe('deadline', () => {
  it('rejects with the timeout error and aborts the work signal', async () => {
    let workSignal: AbortSignal | undefined;
    const result = withDeadline({ timeout: 20, onTimeout: timeoutError }, (signal) => {
      workSignal = signal;
      return new Promise<never>(() => {});
    });
    await expect(result).rejects.toBeInstanceOf(NetworkTimeoutError);
    expect(workSignal?.aborted).toBe(true);
  });

  it('rejects with AbortError carrying the reason when the caller aborts', async () => {
    const controller = new AbortController();
    const result = withDeadline(
      { signal: controller.signal, onTimeout: timeoutError },
      () => new Promise<never>(() => {}),
    );
    controller.abort(new Error('user'));
    const error = await result.catch((err: unknown) => err);
    expect(error).toBeInstanceOf(AbortError);
    expect((error as Error).cause).toEqual(new Error('user'));
  });

  it('fires at once for an already aborted signal', () => {
    const deadline = startDeadline({ signal: AbortSignal.abort(), onTimeout: timeoutError });
    expect(deadline.signal.aborted).toBe(true);
  });

  it('resolves with the work and leaves no timer behind', async () => {
    const controller = new AbortController();
    await expect(
      withDeadline(
        { timeout: 10_000, signal: controller.signal, onTimeout: timeoutError },
        async () => 7,
      ),
    ).resolves.toBe(7);
  });

  it('sleeps and can be aborted', async () => {
    await expect(sleep(1)).resolves.toBeUndefined();
    const controller = new AbortController();
    const waiting = sleep(10_000, controller.signal);
    controller.abort();
    await expect(waiting).rejects.toBeInstanceOf(AbortError);
  });
});
