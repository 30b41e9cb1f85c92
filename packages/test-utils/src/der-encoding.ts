/**
 * The few DER (ASN.1 Distinguished Encoding Rules) building blocks an X.509 certificate needs.
 * Written out here so certificates can be made with node:crypto alone, without the `openssl`
 * binary (absent on slim images where `net demo` must still run).
 */

/** One tag-length-value: `tag`, then the definite length, then the content. */
export function tlv(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  let length: Buffer;
  if (body.length < 0x80) {
    length = Buffer.from([body.length]);
  } else {
    const bytes: number[] = [];
    for (let n = body.length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n % 256);
    length = Buffer.from([0x80 | bytes.length, ...bytes]);
  }
  return Buffer.concat([Buffer.from([tag]), length, body]);
}

export const sequence = (...items: Buffer[]): Buffer => tlv(0x30, ...items);
export const set = (...items: Buffer[]): Buffer => tlv(0x31, ...items);
export const octetString = (bytes: Buffer): Buffer => tlv(0x04, bytes);
export const utf8String = (text: string): Buffer => tlv(0x0c, Buffer.from(text, 'utf8'));
export const booleanValue = (value: boolean): Buffer => tlv(0x01, Buffer.from([value ? 0xff : 0]));
export const nullValue = (): Buffer => tlv(0x05);

/** A non-negative INTEGER from big-endian bytes (a leading 0 keeps it positive). */
export function unsignedInteger(bytes: Buffer): Buffer {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  const trimmed = bytes.subarray(start);
  return tlv(0x02, trimmed[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed);
}

/** A BIT STRING of whole bytes, or of `usedBits` bits of the first byte (key usage flags). */
export function bitString(bytes: Buffer, unusedBits = 0): Buffer {
  return tlv(0x03, Buffer.from([unusedBits]), bytes);
}

export function objectIdentifier(dotted: string): Buffer {
  const [first, second, ...rest] = dotted.split('.').map(Number);
  const out = [first! * 40 + second!];
  for (const arc of rest) {
    const groups = [arc & 0x7f];
    for (let n = Math.floor(arc / 128); n > 0; n = Math.floor(n / 128))
      groups.unshift(0x80 | (n & 0x7f));
    out.push(...groups);
  }
  return tlv(0x06, Buffer.from(out));
}

/** UTCTime through 2049, GeneralizedTime after, as RFC 5280 §4.1.2.5 requires. */
export function time(date: Date): Buffer {
  const iso = date.toISOString(); // 2026-11-30T17:34:00.000Z
  const digits = iso.slice(0, 19).replace(/[-T:]/g, '');
  return date.getUTCFullYear() < 2050
    ? tlv(0x17, Buffer.from(`${digits.slice(2)}Z`))
    : tlv(0x18, Buffer.from(`${digits}Z`));
}

/** `[n]` EXPLICIT: a constructed context-specific tag around an encoded value. */
export const explicit = (n: number, value: Buffer): Buffer => tlv(0xa0 | n, value);
/** `[n]` IMPLICIT primitive: the value's bytes under a context-specific tag. */
export const implicit = (n: number, bytes: Buffer): Buffer => tlv(0x80 | n, bytes);
