import {
  AbortError,
  ConnectionError,
  DNSResolutionError,
  HTTPError,
  NetworkTimeoutError,
  ProtocolError,
  ProxyError,
  SSHError,
  SSLError,
  WebSocketError,
} from '@net/errors';
import { ExitCode, type ExitCodeValue } from './exit-codes.js';

/** The exit code for an error thrown by a command. */
export function exitCodeFor(err: unknown): ExitCodeValue {
  if (err instanceof HTTPError) {
    return err.statusCode >= 500 ? ExitCode.HTTP_SERVER_ERROR : ExitCode.HTTP_CLIENT_ERROR;
  }
  if (err instanceof NetworkTimeoutError) return ExitCode.TIMEOUT;
  if (err instanceof SSLError) return ExitCode.VERIFICATION;
  if (err instanceof SSHError) {
    if (err.code === 'ERR_NET_SSH_HOST_KEY') return ExitCode.VERIFICATION;
    if (err.code === 'ERR_NET_SSH_AUTH') return ExitCode.AUTH;
    return ExitCode.PROTOCOL;
  }
  if (
    err instanceof ConnectionError ||
    err instanceof DNSResolutionError ||
    err instanceof ProxyError
  ) {
    return ExitCode.CONNECTION;
  }
  if (err instanceof WebSocketError || err instanceof ProtocolError) return ExitCode.PROTOCOL;
  if (err instanceof AbortError) return ExitCode.INTERRUPTED;
  const code = (err as { code?: unknown } | null)?.code;
  if (
    (err instanceof TypeError || err instanceof RangeError) &&
    (code === 'ERR_INVALID_ARG_VALUE' ||
      code === 'ERR_INVALID_ARG_TYPE' ||
      code === 'ERR_OUT_OF_RANGE')
  ) {
    return ExitCode.USAGE;
  }
  return ExitCode.FAILURE;
}
