// The certificates admission plugins kube-apiserver enables by default: CertificateApproval (approving or
// denying a CSR needs `approve` on signers/<signerName>), CertificateSigning (setting status.certificate
// needs `sign` on it) and CertificateSubjectRestriction (no kube-apiserver-client CSR for system:masters).
import { forbidden } from '../../apimachinery/errors.js';
import { parseCSR, CSRError } from '../../pki/csr-sign.js';
import { csrIdentity } from '../../pki/csr-identity.js';
import type { AdmissionAttributes, KObject, RequestContext } from '../../registry/types.js';

const GROUP = 'certificates.k8s.io';
const CLIENT_SIGNER = 'kubernetes.io/kube-apiserver-client';

/** certificates.IsAuthorizedForSignerName: the signer's own name, else its `<domain>/*` wildcard. */
async function authorizedForSigner(ctx: RequestContext, verb: string, signerName: string): Promise<boolean> {
  const auth = ctx.services?.authorization;
  if (!auth) return true;
  const ask = async (name: string) =>
    (await auth.authorizer.authorize({ user: ctx.user, verb, isResourceRequest: true, path: '', apiGroup: GROUP, apiVersion: '*', resource: 'signers', subresource: '', namespace: '', name })).decision === 'allow';
  if (await ask(signerName)) return true;
  const slash = signerName.indexOf('/');
  return slash > 0 && ask(`${signerName.slice(0, slash)}/*`);
}

export async function admitCertificateSigningRequest(a: AdmissionAttributes, obj: KObject | undefined, old: KObject | undefined, ctx: RequestContext, enabled: (plugin: string) => boolean = () => true): Promise<void> {
  if (a.def.group !== GROUP || a.def.resource !== 'certificatesigningrequests' || !obj) return;
  const gr = { group: GROUP, resource: 'certificatesigningrequests' };
  const signer: string = obj.spec?.signerName ?? '';
  if (a.operation === 'CREATE' && a.subresource === '' && signer === CLIENT_SIGNER && enabled('CertificateSubjectRestriction')) {
    let orgs: string[] = [];
    try {
      orgs = csrIdentity(parseCSR(Buffer.from(obj.spec?.request ?? '', 'base64').toString('utf8'))).organizations;
    } catch (e) {
      // a request that does not parse is refused by validation already
      if (!(e instanceof CSRError)) throw e;
    }
    if (orgs.includes('system:masters')) throw forbidden(gr, a.name || obj.metadata?.name || '', `use of ${signer} signer with system:masters group is not allowed`);
  }
  if (a.operation !== 'UPDATE') return;
  if (a.subresource === 'approval' && enabled('CertificateApproval') && !(await authorizedForSigner(ctx, 'approve', signer)))
    throw forbidden(gr, a.name, `user not permitted to approve requests with signerName ${JSON.stringify(signer)}`);
  if (a.subresource === 'status' && enabled('CertificateSigning') && (obj.status?.certificate ?? '') !== (old?.status?.certificate ?? '') && !(await authorizedForSigner(ctx, 'sign', signer)))
    throw forbidden(gr, a.name, `user not permitted to sign requests with signerName ${JSON.stringify(signer)}`);
}
