import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPair,
  generateKeyPairSync,
  randomBytes,
  sign,
  X509Certificate,
  type KeyObject,
} from 'node:crypto';
import { createRequire } from 'node:module';
import { isIP } from 'node:net';
import { hostname, networkInterfaces } from 'node:os';
import type * as Forge from 'node-forge';

type Asn1 = Forge.asn1.Asn1;

const require = createRequire(import.meta.url);
let forgeModule: typeof Forge | undefined;

// Loaded on first issue only, and just the x509 part (~30 ms instead of ~50 ms): warm starts never need it.
export function forge(): typeof Forge {
  if (!forgeModule) {
    require('node-forge/lib/x509');
    forgeModule = require('node-forge/lib/forge') as typeof Forge;
  }
  return forgeModule;
}

export interface CertAndKey {
  certPem: string;
  keyPem: string;
}

/** A certificate authority: its certificate and private key, both PEM. */
export type CertificateAuthority = CertAndKey;

export interface KeyPairPem {
  privateKeyPem: string;
  publicKeyPem: string;
}

export interface CaOptions {
  commonName?: string;
  days?: number;
}

export interface ClientCertOptions {
  commonName: string;
  organizations?: string[];
  days?: number;
}

export interface ServingCertOptions {
  /** Extra DNS names or IP addresses beyond the defaults of {@link servingNames}. */
  hosts?: string[];
  commonName?: string;
  days?: number;
}

export const CA_COMMON_NAME = 'minikapi-ca';
export const ADMIN_COMMON_NAME = 'minikapi-admin';
export const ADMIN_ORGANIZATION = 'system:masters';
/** First address of the default service CIDR 10.96.0.0/12, where the `kubernetes` Service points. */
export const FIRST_SERVICE_IP = '10.96.0.1';

const DAY_MS = 86_400_000;
// Certificates start a minute in the past so a peer with a slightly slow clock accepts them.
const CLOCK_SKEW_MS = 60_000;

// A forge helper that exists at runtime but is missing from @types/node-forge.
type PkiInternals = { certificateExtensionsToAsn1(exts: unknown[]): Asn1 };

/** A fresh private key from node:crypto; EC P-256 keeps generation in the sub-millisecond range. */
export function generatePrivateKey(): KeyObject {
  return generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
}

export function privateKeyToPem(key: KeyObject): string {
  return key.export({ type: 'pkcs8', format: 'pem' }) as string;
}

export function publicKeyToPem(key: KeyObject): string {
  return createPublicKey(key).export({ type: 'spki', format: 'pem' }) as string;
}

/** Service-account token signing key pair (RSA 2048, RS256 as kubeadm's sa.key), PKCS#8 private and SPKI public PEM. */
export function generateServiceAccountKeyPair(): KeyPairPem {
  const key = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  return { privateKeyPem: privateKeyToPem(key), publicKeyPem: publicKeyToPem(key) };
}

/** generateServiceAccountKeyPair in the thread pool: a first start signs its certificates meanwhile. */
export function generateServiceAccountKeyPairAsync(): Promise<KeyPairPem> {
  return new Promise((resolve, reject) =>
    generateKeyPair('rsa', { modulusLength: 2048 }, (err, _pub, key) => (err ? reject(err) : resolve({ privateKeyPem: privateKeyToPem(key), publicKeyPem: publicKeyToPem(key) }))),
  );
}

/** The JWS algorithm a service-account private key signs with. */
export function jwsAlgorithmForKey(keyPem: string): 'ES256' | 'ES384' | 'ES512' | 'RS256' | 'EdDSA' {
  const key = createPrivateKey(keyPem);
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return 'RS256';
    case 'ed25519':
      return 'EdDSA';
    case 'ec': {
      const curve = key.asymmetricKeyDetails?.namedCurve;
      return curve === 'secp384r1' ? 'ES384' : curve === 'secp521r1' ? 'ES512' : 'ES256';
    }
    default:
      throw new Error(`unsupported service-account key type ${key.asymmetricKeyType ?? 'unknown'}`);
  }
}

/** A self-signed cluster CA (CA:true, keyCertSign/cRLSign/digitalSignature), 10 years by default. */
export function createCa(opts: CaOptions = {}): CertificateAuthority {
  const key = generatePrivateKey();
  const subject = dnToAsn1([{ shortName: 'CN', value: opts.commonName ?? CA_COMMON_NAME }]);
  const spki = spkiAsn1(createPublicKey(key));
  const notBefore = new Date(Date.now() - CLOCK_SKEW_MS);
  const certPem = buildCertificate({
    issuer: subject,
    subject,
    spki,
    notBefore,
    notAfter: new Date(notBefore.getTime() + (opts.days ?? 3650) * DAY_MS),
    signingKey: key,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
      subjectKeyIdExtension(spki),
    ],
  });
  return { certPem, keyPem: privateKeyToPem(key) };
}

/** A client certificate (extendedKeyUsage clientAuth) signed by `ca`, with a new key. */
export function issueClientCert(ca: CertificateAuthority, opts: ClientCertOptions): CertAndKey {
  if (!opts.commonName) throw new Error('issueClientCert: commonName is required');
  const subject: DnAttr[] = [
    ...(opts.organizations ?? []).map((value): DnAttr => ({ shortName: 'O', value })),
    { shortName: 'CN', value: opts.commonName },
  ];
  return issueLeaf(ca, subject, opts.days ?? 365, { clientAuth: true }, undefined);
}

/** The apiserver serving certificate (extendedKeyUsage serverAuth) signed by `ca`, with a new key. */
export function issueServingCert(ca: CertificateAuthority, opts: ServingCertOptions = {}): CertAndKey {
  const names = servingNames(opts.hosts);
  const altNames = [
    ...names.dns.map((value) => ({ type: 2, value })),
    ...names.ips.map((ip) => ({ type: 7, ip })),
  ];
  const subject: DnAttr[] = [{ shortName: 'CN', value: opts.commonName ?? 'minikapi-apiserver' }];
  return issueLeaf(ca, subject, opts.days ?? 365, { serverAuth: true }, altNames);
}

/**
 * Every name the serving certificate must cover: localhost, the host name, the in-cluster service
 * names, loopback and first service IPs, plus `extra`. An unspecified address (0.0.0.0 or ::) stands
 * for every local interface address, since the server then listens on all of them.
 */
export function servingNames(extra: string[] = []): { dns: string[]; ips: string[] } {
  const dns = new Set<string>([
    'localhost',
    'kubernetes',
    'kubernetes.default',
    'kubernetes.default.svc',
    'kubernetes.default.svc.cluster.local',
  ]);
  const host = hostname().toLowerCase();
  if (host) dns.add(host);
  const ips = new Set<string>(['127.0.0.1', '::1', FIRST_SERVICE_IP]);
  for (const raw of extra) {
    const h = raw.trim().replace(/^\[(.*)\]$/, '$1');
    if (!h) continue;
    if (h === '0.0.0.0' || h === '::') {
      for (const addrs of Object.values(networkInterfaces())) {
        for (const a of addrs ?? []) {
          if (!(a.family === 'IPv6' && a.address.toLowerCase().startsWith('fe80:'))) ips.add(normalizeIp(a.address));
        }
      }
    } else if (isIP(h)) {
      ips.add(normalizeIp(h));
    } else {
      dns.add(h.toLowerCase());
    }
  }
  return { dns: [...dns], ips: [...ips] };
}

/** Whether a serving certificate names every host and IP that {@link servingNames} asks for. */
export function servingCertCovers(certPem: string, hosts: string[] = []): boolean {
  const cert = new X509Certificate(certPem);
  const names = servingNames(hosts);
  return (
    names.dns.every((d) => cert.checkHost(d, { subject: 'never', wildcards: false }) !== undefined) &&
    names.ips.every((ip) => cert.checkIP(ip) !== undefined)
  );
}

/**
 * Whether `certPem`/`keyPem` form a usable leaf issued by `caCertPem`: parses, signature verifies,
 * key matches, already valid, and still valid for at least `minRemainingDays`.
 */
export function leafIsUsable(certPem: string, keyPem: string, caCertPem: string, minRemainingDays = 30): boolean {
  try {
    const ca = new X509Certificate(caCertPem);
    const cert = new X509Certificate(certPem);
    const now = Date.now();
    return (
      cert.checkIssued(ca) &&
      cert.verify(ca.publicKey) &&
      cert.checkPrivateKey(createPrivateKey(keyPem)) &&
      Date.parse(cert.validFrom) <= now + CLOCK_SKEW_MS &&
      Date.parse(cert.validTo) - now > minRemainingDays * DAY_MS
    );
  } catch {
    return false;
  }
}

interface LeafAltName {
  type: number;
  value?: string;
  ip?: string;
}

function issueLeaf(
  ca: CertificateAuthority,
  subjectAttrs: DnAttr[],
  days: number,
  extKeyUsage: { serverAuth?: true; clientAuth?: true },
  altNames: LeafAltName[] | undefined,
): CertAndKey {
  const { asn1 } = forge();
  const caCert = new X509Certificate(ca.certPem);
  const caKey = createPrivateKey(ca.keyPem);
  if (!caCert.checkPrivateKey(caKey)) throw new Error('CA private key does not match the CA certificate');
  const caParts = caCertParts(caCert);
  const key = generatePrivateKey();
  const spki = spkiAsn1(createPublicKey(key));
  const notBefore = new Date(Date.now() - CLOCK_SKEW_MS);
  // A leaf outliving its CA would only fail later with a confusing error, so cap it.
  const notAfter = new Date(Math.min(notBefore.getTime() + days * DAY_MS, Date.parse(caCert.validTo)));
  const extensions: unknown[] = [
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, critical: true },
    { name: 'extKeyUsage', ...extKeyUsage },
    subjectKeyIdExtension(spki),
    {
      name: 'authorityKeyIdentifier',
      value: asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
        asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, false, caParts.keyId),
      ]),
    },
  ];
  if (altNames) extensions.push({ name: 'subjectAltName', altNames });
  const certPem = buildCertificate({
    issuer: caParts.subject,
    subject: dnToAsn1(subjectAttrs),
    spki,
    notBefore,
    notAfter,
    signingKey: caKey,
    extensions,
  });
  return { certPem, keyPem: privateKeyToPem(key) };
}

interface DnAttr {
  shortName: 'CN' | 'O';
  value: string;
}

// Go rejects PrintableString values outside its alphabet, so anything else is written as UTF8String.
const PRINTABLE = /^[A-Za-z0-9 '()+,\-./:=?]*$/;

function dnToAsn1(attrs: DnAttr[]): Asn1 {
  const { asn1, pki } = forge();
  // A forge certificate object fills in attribute OIDs from short names.
  const holder = pki.createCertificate();
  holder.setSubject(
    attrs.map((a) => ({
      shortName: a.shortName,
      value: a.value,
      // @types/node-forge mistypes valueTagClass as a tag class; forge reads it as the value's tag type.
      valueTagClass: (PRINTABLE.test(a.value) ? asn1.Type.PRINTABLESTRING : asn1.Type.UTF8) as number as Forge.asn1.Class,
    })),
  );
  return pki.distinguishedNameToAsn1(holder.subject);
}

function spkiAsn1(publicKey: KeyObject): Asn1 {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return fromDer(der);
}

export function fromDer(der: Buffer): Asn1 {
  const { asn1 } = forge();
  // decodeBitStrings:false keeps BIT STRING contents as raw bytes instead of guessing nested ASN.1.
  const parse = asn1.fromDer as unknown as (b: string, o: { decodeBitStrings: boolean }) => Asn1;
  return parse(der.toString('binary'), { decodeBitStrings: false });
}

/** RFC 5280 method 1 key identifier: SHA-1 of the subjectPublicKey bits. */
function keyIdentifier(spki: Asn1): string {
  const bits = (spki.value as Asn1[])[1]!.value as string;
  return createHash('sha1').update(Buffer.from(bits.slice(1), 'binary')).digest('binary');
}

function subjectKeyIdExtension(spki: Asn1): Record<string, unknown> {
  const { asn1 } = forge();
  return {
    name: 'subjectKeyIdentifier',
    value: asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, keyIdentifier(spki)),
  };
}

const OID_SUBJECT_KEY_ID = '2.5.29.14';

/** The CA's raw subject (so issuer bytes match exactly) and its key identifier for authorityKeyIdentifier. */
export function caCertParts(caCert: X509Certificate): { subject: Asn1; keyId: string } {
  const { asn1 } = forge();
  const tbs = (fromDer(caCert.raw).value as Asn1[])[0]!;
  const fields = tbs.value as Asn1[];
  const hasVersion = fields[0]!.tagClass === asn1.Class.CONTEXT_SPECIFIC && fields[0]!.type === 0;
  const base = hasVersion ? 1 : 0;
  const subject = fields[base + 4]!;
  const spki = fields[base + 5]!;
  let keyId = keyIdentifier(spki);
  const extsWrapper = fields.find((f) => f.tagClass === asn1.Class.CONTEXT_SPECIFIC && f.type === 3);
  const exts = extsWrapper ? ((extsWrapper.value as Asn1[])[0]!.value as Asn1[]) : [];
  for (const ext of exts) {
    const parts = ext.value as Asn1[];
    if (asn1.derToOid(parts[0]!.value as string) !== OID_SUBJECT_KEY_ID) continue;
    // Reuse an existing SKI so chains built by key identifier work for CAs made elsewhere too.
    const inner = asn1.fromDer(parts[parts.length - 1]!.value as string);
    keyId = inner.value as string;
  }
  return { subject, keyId };
}

interface SignatureAlgorithm {
  oid: string;
  nullParams: boolean;
  hash: string | null;
}

function signatureAlgorithmFor(key: KeyObject): SignatureAlgorithm {
  switch (key.asymmetricKeyType) {
    case 'ec':
      return { oid: '1.2.840.10045.4.3.2', nullParams: false, hash: 'sha256' };
    case 'rsa':
      return { oid: '1.2.840.113549.1.1.11', nullParams: true, hash: 'sha256' };
    case 'ed25519':
      return { oid: '1.3.101.112', nullParams: false, hash: null };
    default:
      throw new Error(`unsupported CA key type ${key.asymmetricKeyType ?? 'unknown'}`);
  }
}

function algorithmIdentifier(alg: SignatureAlgorithm): Asn1 {
  const { asn1 } = forge();
  const parts = [asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(alg.oid).getBytes())];
  if (alg.nullParams) parts.push(asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, ''));
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, parts);
}

function timeAsn1(date: Date): Asn1 {
  const { asn1 } = forge();
  // RFC 5280 4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050.
  const d = new Date(Math.floor(date.getTime() / 1000) * 1000);
  return d.getUTCFullYear() < 2050
    ? asn1.create(asn1.Class.UNIVERSAL, asn1.Type.UTCTIME, false, asn1.dateToUtcTime(d))
    : asn1.create(asn1.Class.UNIVERSAL, asn1.Type.GENERALIZEDTIME, false, asn1.dateToGeneralizedTime(d));
}

function randomSerial(): string {
  const b = randomBytes(16);
  // Positive and minimally encoded: top bit clear, second-highest set so the first byte is never 0.
  b[0] = (b[0]! & 0x7f) | 0x40;
  return b.toString('binary');
}

export interface CertificateSpec {
  issuer: Asn1;
  subject: Asn1;
  spki: Asn1;
  notBefore: Date;
  notAfter: Date;
  signingKey: KeyObject;
  extensions: unknown[];
}

/**
 * forge assembles the TBSCertificate (names, extensions, DER) and node:crypto signs it, because
 * forge can only sign with RSA keys and RSA key generation would cost most of the start-up budget.
 */
export function buildCertificate(spec: CertificateSpec): string {
  const { asn1, pki } = forge();
  const alg = signatureAlgorithmFor(spec.signingKey);
  const holder = pki.createCertificate();
  holder.setExtensions(spec.extensions as object[]);
  const tbs = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, asn1.integerToDer(2).getBytes()),
    ]),
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, randomSerial()),
    algorithmIdentifier(alg),
    spec.issuer,
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [timeAsn1(spec.notBefore), timeAsn1(spec.notAfter)]),
    spec.subject,
    spec.spki,
    (pki as unknown as PkiInternals).certificateExtensionsToAsn1(holder.extensions),
  ]);
  const tbsDer = Buffer.from(asn1.toDer(tbs).getBytes(), 'binary');
  const signature = sign(alg.hash, tbsDer, spec.signingKey);
  const cert = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    tbs,
    algorithmIdentifier(alg),
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.BITSTRING, false, '\x00' + signature.toString('binary')),
  ]);
  // X509Certificate re-parses the DER, so a malformed certificate fails here rather than in a client.
  return new X509Certificate(Buffer.from(asn1.toDer(cert).getBytes(), 'binary')).toString();
}

function normalizeIp(ip: string): string {
  // Drop an IPv6 zone id; SANs hold bare addresses.
  return ip.replace(/%.*$/, '').toLowerCase();
}
