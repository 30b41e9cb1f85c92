import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { isIP } from 'node:net';
import {
  bitString,
  booleanValue,
  explicit,
  implicit,
  nullValue,
  objectIdentifier,
  octetString,
  sequence,
  set,
  time,
  unsignedInteger,
  utf8String,
} from './der-encoding.js';

/** A certificate and its private key, both PEM. */
export interface CertificateAndKey {
  cert: string;
  key: string;
}

/** What {@link issueCertificate} puts into a certificate. */
export interface CertificateRequest {
  /** The subject's common name. */
  commonName: string;
  /** DNS names and IP addresses for subjectAltName. @default [] */
  altNames?: string[];
  /** A CA certificate may sign others (basicConstraints CA:TRUE, keyCertSign). @default false */
  isCA?: boolean;
  /** Days of validity from one hour ago (clock skew). @default 7 */
  days?: number;
  /** The issuer; self-signed when left out. */
  issuer?: { commonName: string; key: KeyObject; publicKey: KeyObject };
}

const OID = {
  commonName: '2.5.4.3',
  sha256WithRSA: '1.2.840.113549.1.1.11',
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  authorityKeyIdentifier: '2.5.29.35',
};

const name = (commonName: string) =>
  sequence(set(sequence(objectIdentifier(OID.commonName), utf8String(commonName))));

const extension = (oid: string, critical: boolean, value: Buffer) =>
  sequence(objectIdentifier(oid), ...(critical ? [booleanValue(true)] : []), octetString(value));

/** RFC 5280's method 1: SHA-1 of the subjectPublicKey bits (here, of the SPKI's key). */
function keyId(publicKey: KeyObject): Buffer {
  const der = publicKey.export({ type: 'pkcs1', format: 'der' });
  return createHash('sha1').update(der).digest();
}

function altName(entry: string): Buffer {
  const family = isIP(entry);
  if (family === 0) return implicit(2, Buffer.from(entry, 'ascii'));
  if (family === 4) return implicit(7, Buffer.from(entry.split('.').map(Number)));
  // IPv6: expand '::' and write the eight 16-bit groups.
  const [head = '', tail = ''] = entry.split('::');
  const left = head ? head.split(':') : [];
  const right = entry.includes('::') && tail ? tail.split(':') : [];
  const groups = entry.includes('::')
    ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right]
    : left;
  const bytes = Buffer.alloc(16);
  groups.forEach((g, i) => bytes.writeUInt16BE(parseInt(g, 16), i * 2));
  return implicit(7, bytes);
}

/**
 * Issues an X.509 v3 certificate with an RSA-2048 key using node:crypto only. Enough for TLS
 * servers and clients on loopback; not a general certificate authority.
 */
export function issueCertificate(
  request: CertificateRequest,
): CertificateAndKey & { privateKey: KeyObject; publicKey: KeyObject } {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const issuer = request.issuer ?? { commonName: request.commonName, key: privateKey, publicKey };
  const notBefore = new Date(Date.now() - 3_600_000);
  const notAfter = new Date(notBefore.getTime() + (request.days ?? 7) * 86_400_000);
  const serial = randomBytes(16);
  serial[0]! &= 0x7f;
  const signatureAlgorithm = sequence(objectIdentifier(OID.sha256WithRSA), nullValue());
  const extensions = [
    extension(
      OID.basicConstraints,
      request.isCA === true,
      sequence(...(request.isCA ? [booleanValue(true)] : [])),
    ),
    ...(request.isCA
      ? // keyCertSign (bit 5) and cRLSign (bit 6): 0b0000011 with one unused bit.
        [extension(OID.keyUsage, true, bitString(Buffer.from([0x06]), 1))]
      : []),
    extension(OID.subjectKeyIdentifier, false, octetString(keyId(publicKey))),
    extension(OID.authorityKeyIdentifier, false, sequence(implicit(0, keyId(issuer.publicKey)))),
    ...(request.altNames?.length
      ? [extension(OID.subjectAltName, false, sequence(...request.altNames.map(altName)))]
      : []),
  ];
  const tbs = sequence(
    explicit(0, unsignedInteger(Buffer.from([2]))),
    unsignedInteger(serial),
    signatureAlgorithm,
    name(issuer.commonName),
    sequence(time(notBefore), time(notAfter)),
    name(request.commonName),
    publicKey.export({ type: 'spki', format: 'der' }),
    explicit(3, sequence(...extensions)),
  );
  const signature = sign('sha256', tbs, issuer.key);
  const der = sequence(tbs, signatureAlgorithm, bitString(signature));
  const base64 = der.toString('base64').replace(/.{1,64}/g, '$&\n');
  return {
    cert: `-----BEGIN CERTIFICATE-----\n${base64}-----END CERTIFICATE-----\n`,
    key: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    privateKey,
    publicKey,
  };
}
