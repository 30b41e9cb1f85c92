import { checkOptionKeys, checkSignal } from '@net/errors/internal';
import type { SignalOptions } from './option-types.js';

const SIGNAL_KEYS = ['signal'];

/**
 * The signal of a per-call options object (`connect()`, `flush()`, `close()`); throws TypeError
 * for an unknown key or a value that is not an AbortSignal.
 */
export function callSignal(options: unknown): AbortSignal | undefined {
  return checkSignal(
    'options.signal',
    checkOptionKeys<SignalOptions>('options', options, SIGNAL_KEYS).signal,
  );
}
