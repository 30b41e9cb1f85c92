/**
 * Programmer mistakes are Node-style `TypeError`/`RangeError` with a `code`, thrown (or
 * rejected) before any I/O. They are deliberately not `NetworkError`s: retrying cannot fix them.
 */

export type ArgumentErrorCode = 'ERR_INVALID_ARG_VALUE' | 'ERR_INVALID_ARG_TYPE';

export interface ArgumentError extends Error {
  code: ArgumentErrorCode;
}

function withCode<E extends Error>(error: E, code: ArgumentErrorCode): E & ArgumentError {
  Object.defineProperty(error, 'code', { value: code, enumerable: true, writable: true });
  return error as E & ArgumentError;
}

/** `TypeError` ERR_INVALID_ARG_VALUE: `The argument 'port' is invalid. <reason>`. */
export function invalidArgValue(name: string, reason: string): TypeError & ArgumentError {
  return withCode(
    new TypeError(`The argument '${name}' is invalid. ${reason}`),
    'ERR_INVALID_ARG_VALUE',
  );
}

/** `TypeError` ERR_INVALID_ARG_TYPE: `The 'timeout' argument must be of type number. Received string`. */
export function invalidArgType(
  name: string,
  expected: string,
  actual: unknown,
): TypeError & ArgumentError {
  const received = actual === null ? 'null' : Array.isArray(actual) ? 'an array' : typeof actual;
  return withCode(
    new TypeError(`The '${name}' argument must be ${expected}. Received ${received}`),
    'ERR_INVALID_ARG_TYPE',
  );
}

/** `RangeError` ERR_INVALID_ARG_VALUE: `The value of 'port' is out of range. It must be … Received 70000`. */
export function argOutOfRange(
  name: string,
  range: string,
  actual: unknown,
): RangeError & ArgumentError {
  return withCode(
    new RangeError(
      `The value of '${name}' is out of range. It must be ${range}. Received ${String(actual)}`,
    ),
    'ERR_INVALID_ARG_VALUE',
  );
}
