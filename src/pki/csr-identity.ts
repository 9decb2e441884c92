// What a certificate request names: its subject's common name and organizations and the kinds of
// subjectAltNames it asks for — what upstream's kubelet signers check before signing.
import type * as Forge from 'node-forge';
import { forge, fromDer } from './certs.js';
import type { ParsedCSR } from './csr-sign.js';

type Asn1 = Forge.asn1.Asn1;

export interface CSRIdentity {
  commonName: string;
  organizations: string[];
  dnsNames: number;
  emails: number;
  ips: number;
  uris: number;
}

const OID_CN = '2.5.4.3';
const OID_O = '2.5.4.10';

export function csrIdentity(csr: ParsedCSR): CSRIdentity {
  const { asn1 } = forge();
  const id: CSRIdentity = { commonName: '', organizations: [], dnsNames: 0, emails: 0, ips: 0, uris: 0 };
  for (const rdn of (csr.subject.value ?? []) as Asn1[]) {
    for (const atv of (rdn.value ?? []) as Asn1[]) {
      const [type, value] = atv.value as Asn1[];
      const oid = asn1.derToOid(type!.value as string);
      const text = Buffer.from(value!.value as string, 'binary').toString('utf8');
      if (oid === OID_CN) id.commonName = text;
      else if (oid === OID_O) id.organizations.push(text);
    }
  }
  if (csr.subjectAltName) {
    const names = fromDer(Buffer.from(csr.subjectAltName, 'binary'));
    // GeneralName tags: [1] rfc822Name, [2] dNSName, [6] uniformResourceIdentifier, [7] iPAddress
    for (const n of (names.value ?? []) as Asn1[]) {
      if (n.tagClass !== asn1.Class.CONTEXT_SPECIFIC) continue;
      if (n.type === 1) id.emails++;
      else if (n.type === 2) id.dnsNames++;
      else if (n.type === 6) id.uris++;
      else if (n.type === 7) id.ips++;
    }
  }
  return id;
}

const sameSet = (usages: string[], want: string[]) => {
  const s = new Set(usages);
  return s.size === want.length && want.every((u) => s.has(u));
};
const SERVING = ['digital signature', 'key encipherment', 'server auth'];
const CLIENT = ['client auth', 'digital signature', 'key encipherment'];

/** certificates.ValidateKubeletServingCSR: the error text, or undefined when the request is a kubelet serving one. */
export function kubeletServingProblem(id: CSRIdentity, usages: string[]): string | undefined {
  if (id.organizations.length !== 1 || id.organizations[0] !== 'system:nodes') return 'subject organization is not system:nodes';
  if (id.dnsNames === 0 && id.ips === 0) return 'DNS or IP subjectAltName is required';
  if (id.emails > 0) return 'Email subjectAltNames are not allowed';
  if (id.uris > 0) return 'URI subjectAltNames are not allowed';
  if (!sameSet(usages, SERVING) && !sameSet(usages, ['digital signature', 'server auth'])) return `usages did not match [${SERVING.join(' ')}]`;
  if (!id.commonName.startsWith('system:node:')) return 'subject common name does not begin with system:node:';
  return undefined;
}

/** certificates.ValidateKubeletClientCSR: the error text, or undefined when the request is a kubelet client one. */
export function kubeletClientProblem(id: CSRIdentity, usages: string[]): string | undefined {
  if (id.organizations.length !== 1 || id.organizations[0] !== 'system:nodes') return 'subject organization is not system:nodes';
  if (id.dnsNames > 0) return 'DNS subjectAltNames are not allowed';
  if (id.emails > 0) return 'Email subjectAltNames are not allowed';
  if (id.ips > 0) return 'IP subjectAltNames are not allowed';
  if (id.uris > 0) return 'URI subjectAltNames are not allowed';
  if (!id.commonName.startsWith('system:node:')) return 'subject common name does not begin with system:node:';
  if (!sameSet(usages, CLIENT) && !sameSet(usages, ['digital signature', 'client auth'])) return `usages did not match [${CLIENT.join(' ')}]`;
  return undefined;
}
