import { createServer, type AddressInfo } from 'node:net';

/**
 * A loopback TCP port with nothing listening: bound on port 0, then released. Another process
 * could take it in between, which is rare enough on a test machine; tests that assert an exact
 * set of ports should pick theirs below the ephemeral range instead.
 */
export async function closedPort(host = '127.0.0.1'): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
