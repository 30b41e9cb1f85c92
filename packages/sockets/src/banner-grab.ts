import { hasTimeout } from '@net/errors/internal';
import { Socket } from 'node:net';

/** Options of banner grabbing (`ScanOptions.banner`). */
export interface BannerOptions {
  /** How long to wait for the service to speak first; 0 or Infinity: until it closes. @default 1500 */
  timeout?: number;
  /** Bytes kept. @default 512 */
  maxBytes?: number;
}

export const bannerDefaults = {
  timeout: 1_500,
  maxBytes: 512,
} as const satisfies Required<BannerOptions>;

/**
 * Printable ASCII as is; CR, LF and tab as `\r`, `\n`, `\t`; everything else as `\xNN`, so a
 * banner is one safe line in any output format.
 */
export function escapeBanner(bytes: Buffer): string {
  let out = '';
  for (const byte of bytes) {
    if (byte === 0x5c) out += '\\\\';
    else if (byte >= 0x20 && byte < 0x7f) out += String.fromCharCode(byte);
    else if (byte === 0x0d) out += '\\r';
    else if (byte === 0x0a) out += '\\n';
    else if (byte === 0x09) out += '\\t';
    else out += `\\x${byte.toString(16).padStart(2, '0')}`;
  }
  return out;
}

/**
 * Connects once more to an open port and keeps what the service sends unprompted (SSH, SMTP,
 * FTP greetings …) within the time and size limits. Services that wait for the client yield
 * undefined. Never rejects: a banner is best-effort information.
 */
export function grabBanner(
  address: string,
  port: number,
  options: Required<BannerOptions>,
): Promise<string | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const socket = new Socket();
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      const data = Buffer.concat(chunks).subarray(0, options.maxBytes);
      resolve(data.length > 0 ? escapeBanner(data) : undefined);
    };
    const timer = hasTimeout(options.timeout) ? setTimeout(finish, options.timeout) : undefined;
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= options.maxBytes) finish();
    });
    socket.on('end', finish);
    socket.on('error', finish);
    socket.connect({ host: address, port });
  });
}
