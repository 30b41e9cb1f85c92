/**
 * `host:port` as people and URLs write it: IPv6 literals in brackets (`[::1]:22`), so the port
 * cannot be mistaken for the last group of the address.
 */
export function formatHostPort(host: string, port: number | string | undefined): string {
  const bracketed = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return port === undefined ? bracketed : `${bracketed}:${port}`;
}
