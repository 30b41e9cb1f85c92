import { ConnectionError, NetworkTimeoutError, SSHError } from '@net/errors';
import { describe, expect, it } from 'vitest';
import { connectError, describeTarget, sftpError } from '../src/ssh-errors.js';

const target = { host: '127.0.0.1', port: 2222, username: 'deploy' };

describe('SSH error mapping', () => {
  it.each([
    [2, 'no such file', false],
    [3, 'permission denied', false],
    [4, 'failure', false],
    [7, 'connection lost', true],
  ])('SFTP status %i reads "%s" and keeps the cause and path', (status, reason, retryable) => {
    const cause = Object.assign(new Error('raw'), { code: status });
    const error = sftpError(target, 'open', '/srv/x', cause);
    expect(error).toBeInstanceOf(SSHError);
    expect(error).toMatchObject({
      code: 'ERR_NET_SFTP',
      path: '/srv/x',
      host: '127.0.0.1',
      port: 2222,
      retryable,
      cause,
    });
    expect(error.message).toBe(`SFTP open failed (${reason}) for /srv/x: 127.0.0.1:2222`);
  });

  it('maps ssh2 connect failures by level, socket errors through toNetworkError', () => {
    const auth = Object.assign(new Error('All configured authentication methods failed'), {
      level: 'client-authentication',
    });
    expect(connectError(target, auth, 1000)).toMatchObject({
      code: 'ERR_NET_SSH_AUTH',
      username: 'deploy',
    });
    const timeout = Object.assign(new Error('Timed out while waiting for handshake'), {
      level: 'client-timeout',
    });
    expect(connectError(target, timeout, 1000)).toBeInstanceOf(NetworkTimeoutError);
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(connectError(target, refused, 1000)).toBeInstanceOf(ConnectionError);
    const other = connectError(target, new Error('Unsupported algorithm'), 1000);
    expect(other).toMatchObject({
      code: 'ERR_NET_SSH',
      message: 'SSH connect failed: 127.0.0.1:2222',
    });
  });

  it('brackets IPv6 hosts', () => {
    expect(describeTarget({ ...target, host: '::1' })).toBe('[::1]:2222');
  });
});
