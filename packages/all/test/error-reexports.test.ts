import * as errors from '@net/errors';
import * as http from '@net/http';
import * as ws from '@net/ws';
import * as ssh from '@net/ssh';
import * as sockets from '@net/sockets';
import * as all from '@net/all';
import { describe, expect, it } from 'vitest';

/**
 * Each protocol package re-exports the error classes of @net/errors so that a user of one package
 * alone can narrow with `instanceof`. They must be the very same classes (one hierarchy, one
 * brand per class), never a package's own copy or a subclass under the same name.
 */
type Module = Record<string, unknown>;

function isErrorClass(value: unknown): value is typeof Error {
  return typeof value === 'function' && value.prototype instanceof Error;
}

/** The names under which a module exports an Error subclass. */
function errorClassNames(module: Module): string[] {
  return Object.keys(module)
    .filter((name) => isErrorClass(module[name]))
    .sort();
}

const errorClasses = errorClassNames(errors);
const packages: Record<string, Module> = { http, ws, ssh, sockets };

describe('error classes re-exported by the protocol packages', () => {
  it('finds the twelve error classes of @net/errors', () => {
    expect(errorClasses).toEqual(
      [
        'AbortError',
        'ConnectionError',
        'DNSResolutionError',
        'HTTPError',
        'NetworkError',
        'NetworkTimeoutError',
        'ProtocolError',
        'ProxyError',
        'RateLimitError',
        'SSHError',
        'SSLError',
        'WebSocketError',
      ].sort(),
    );
  });

  it.each(Object.keys(packages))(
    '@net/%s exports exactly the error classes of @net/errors',
    (name) => {
      const module = packages[name]!;
      expect(errorClassNames(module)).toEqual(errorClasses);
      for (const className of errorClasses)
        expect(module[className], className).toBe(errors[className as keyof typeof errors]);
      expect(module.ErrorCodes).toBe(errors.ErrorCodes);
    },
  );

  it('@net/all exports them flat and under `errors`, identical to @net/errors', () => {
    const flat = all as unknown as Module;
    const namespaced = all.errors as unknown as Module;
    for (const className of errorClasses) {
      expect(flat[className], className).toBe(errors[className as keyof typeof errors]);
      expect(namespaced[className], className).toBe(errors[className as keyof typeof errors]);
    }
    expect(errorClassNames(flat)).toEqual(errorClasses);
  });
});
