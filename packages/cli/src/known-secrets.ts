/**
 * Secret values typed on this command line: URL passwords and `-H` header values (a malformed
 * `-H` is secret as a whole). Every diagnostic is scrubbed of them, so a server that echoes a
 * request, or a usage error quoting an argument, cannot print them back.
 */
export function secretsInArgv(argv: readonly string[]): string[] {
  const secrets: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    let header: string | undefined;
    if (arg === '-H' || arg === '--header') header = argv[i + 1];
    else if (arg.startsWith('--header=')) header = arg.slice('--header='.length);
    else if (arg.startsWith('-H') && arg.length > 2) header = arg.slice(2);
    if (header !== undefined) {
      const colon = header.indexOf(':');
      secrets.push(colon < 0 ? header : header.slice(colon + 1).trim());
    }
    const userinfo = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)@/i.exec(arg)?.[1];
    if (userinfo !== undefined) {
      const colon = userinfo.indexOf(':');
      if (colon >= 0) {
        const password = userinfo.slice(colon + 1);
        secrets.push(password);
        try {
          secrets.push(decodeURIComponent(password));
        } catch {
          // Not valid percent-encoding: the raw value is already listed.
        }
      }
    }
  }
  for (const name of ['NET_SSH_PASSWORD', 'NET_SSH_PASSPHRASE']) {
    const value = process.env[name];
    if (value) secrets.push(value);
  }
  return secrets.filter((s) => s.length > 0);
}
