import { HTTPClient } from './http-client.js';

let shared: HTTPClient | undefined;

/**
 * The process-wide default client, created on first use with default options (so HTTP_PROXY
 * and friends are read then). Closing it is allowed: the next call creates a fresh one.
 *
 * @example
 * const response = await getHttpClient().get('http://127.0.0.1:8080/health');
 */
export function getHttpClient(): HTTPClient {
  if (!shared || shared.closing.aborted) shared = new HTTPClient();
  return shared;
}
