import type { Socket } from 'node:net';

/** Why a wait for drain ended without one. */
export interface DrainErrors {
  closed(): Error;
  timedOut(timeout: number): Error;
  aborted(signal: AbortSignal): Error;
}

/**
 * Resolves when `socket` drains; rejects when it closes first, after `timeout` ms (0 = never)
 * or when `signal` fires. The data already written stays queued in every case.
 */
export function waitForDrain(
  socket: Socket,
  timeout: number,
  signal: AbortSignal | undefined,
  errors: DrainErrors,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const cleanup = () => {
      if (timer) clearTimeout(timer);
      socket.off('drain', onDrain);
      socket.off('close', onClose);
      signal?.removeEventListener('abort', onAbort);
    };
    const onDrain = () => {
      cleanup();
      resolve();
    };
    const onClose = () => {
      cleanup();
      reject(errors.closed());
    };
    const onAbort = () => {
      cleanup();
      reject(errors.aborted(signal!));
    };
    if (timeout > 0) {
      timer = setTimeout(() => {
        cleanup();
        reject(errors.timedOut(timeout));
      }, timeout);
    }
    socket.on('drain', onDrain);
    socket.on('close', onClose);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
