// Signing a CertificateSigningRequest with the cluster CA as kube-controller-manager's csrsigning
// controller does: the request's signature checked, its subject, key and SANs kept, usages from the
// CSR object, backdated five minutes, never outliving the CA.
import { X509Certificate, createPrivateKey, createPublicKey, verify } from 'node:crypto';
import type * as Forge from 'node-forge';
import { buildCertificate, caCertParts, forge, fromDer, type CertificateAuthority } from './certs.js';

type Asn1 = Forge.asn1.Asn1;

const BACKDATE_MS = 5 * 60_000;
const OID_EXTENSION_REQUEST = '1.2.840.113549.1.9.14';
const OID_SUBJECT_ALT_NAME = '2.5.29.17';
const SIGNATURE_HASHES: Record<string, string | null> = {
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
  '1.3.101.112': null,
};

/** The request could not be used; the message is what upstream reports. */
export class CSRError extends Error {}

export interface ParsedCSR {
  subject: Asn1;
  spki: Asn1;
  /** The raw subjectAltName extension value (DER), when the request asks for one. */
  subjectAltName?: string;
}

export function parseCSR(pem: string): ParsedCSR {
  const { asn1, pem: pemCodec } = forge();
  let der: Buffer;
  try {
    const block = pemCodec.decode(pem).find((b) => b.type === 'CERTIFICATE REQUEST' || b.type === 'NEW CERTIFICATE REQUEST');
    if (!block) throw new CSRError('PEM block type must be CERTIFICATE REQUEST');
    der = Buffer.from(block.body, 'binary');
  } catch (e) {
    throw e instanceof CSRError ? e : new CSRError('PEM block type must be CERTIFICATE REQUEST');
  }
  let csr: Asn1;
  try {
    csr = fromDer(der);
  } catch {
    throw new CSRError('asn1: structure error: the request is not a certificate request');
  }
  const [info, algId, sig] = csr.value as Asn1[];
  const fields = (info?.value ?? []) as Asn1[];
  if (!info || !algId || !sig || fields.length < 3) throw new CSRError('asn1: structure error: the request is not a certificate request');
  const subject = fields[1]!;
  const spki = fields[2]!;
  const algOid = asn1.derToOid((algId.value as Asn1[])[0]!.value as string);
  if (!(algOid in SIGNATURE_HASHES)) throw new CSRError(`x509: cannot verify signature: algorithm unimplemented`);
  const key = createPublicKey({ key: Buffer.from(asn1.toDer(spki).getBytes(), 'binary'), format: 'der', type: 'spki' });
  const infoDer = Buffer.from(asn1.toDer(info).getBytes(), 'binary');
  const signature = Buffer.from((sig.value as string).slice(1), 'binary');
  if (!verify(SIGNATURE_HASHES[algOid]!, infoDer, key, signature)) throw new CSRError('x509: ECDSA verification failure'.replace('ECDSA', key.asymmetricKeyType === 'rsa' ? 'RSA' : 'ECDSA'));
  let subjectAltName: string | undefined;
  const attrs = fields[3];
  for (const attr of (attrs?.value ?? []) as Asn1[]) {
    const [type, values] = attr.value as Asn1[];
    if (asn1.derToOid(type!.value as string) !== OID_EXTENSION_REQUEST) continue;
    for (const ext of ((values!.value as Asn1[])[0]?.value ?? []) as Asn1[]) {
      const parts = ext.value as Asn1[];
      if (asn1.derToOid(parts[0]!.value as string) === OID_SUBJECT_ALT_NAME) subjectAltName = parts[parts.length - 1]!.value as string;
    }
  }
  return { subject, spki, subjectAltName };
}

const KEY_USAGES: Record<string, string> = { 'digital signature': 'digitalSignature', 'key encipherment': 'keyEncipherment', 'content commitment': 'nonRepudiation', 'data encipherment': 'dataEncipherment', 'key agreement': 'keyAgreement', 'cert sign': 'keyCertSign', 'crl sign': 'cRLSign', 'encipher only': 'encipherOnly', 'decipher only': 'decipherOnly', signing: 'digitalSignature' };
const EXT_USAGES: Record<string, string> = { 'client auth': 'clientAuth', 'server auth': 'serverAuth', 'code signing': 'codeSigning', 'email protection': 'emailProtection', 'timestamping': 'timeStamping', 'ocsp signing': 'OCSPSigning' };

/** A PEM certificate for the request, valid for `seconds` (capped at the CA's end). */
export function signCSR(ca: CertificateAuthority, csrPem: string, usages: string[], seconds: number, now = new Date()): string {
  const parsed = parseCSR(csrPem);
  const caCert = new X509Certificate(ca.certPem);
  const caParts = caCertParts(caCert);
  const { asn1 } = forge();
  const keyUsage: Record<string, unknown> = { name: 'keyUsage', critical: true };
  for (const u of usages) if (KEY_USAGES[u]) keyUsage[KEY_USAGES[u]!] = true;
  const extKeyUsage: Record<string, unknown> = { name: 'extKeyUsage' };
  let anyExt = false;
  for (const u of usages) if (EXT_USAGES[u]) (extKeyUsage[EXT_USAGES[u]!] = true), (anyExt = true);
  const extensions: Record<string, unknown>[] = [keyUsage];
  if (anyExt) extensions.push(extKeyUsage);
  extensions.push({ name: 'basicConstraints', cA: false, critical: true });
  extensions.push({ name: 'authorityKeyIdentifier', value: asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, false, caParts.keyId)]) });
  if (parsed.subjectAltName) extensions.push({ id: OID_SUBJECT_ALT_NAME, value: parsed.subjectAltName });
  const notBefore = new Date(now.getTime() - BACKDATE_MS);
  const notAfter = new Date(Math.min(now.getTime() + seconds * 1000, Date.parse(caCert.validTo)));
  return buildCertificate({ issuer: caParts.subject, subject: parsed.subject, spki: parsed.spki, notBefore, notAfter, signingKey: createPrivateKey(ca.keyPem), extensions });
}
