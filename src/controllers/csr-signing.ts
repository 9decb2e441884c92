// csrsigning: approved CertificateSigningRequests for the kube-apiserver-client, kube-apiserver-client-kubelet,
// kubelet-serving and legacy-unknown signers are signed with the cluster CA, as kube-controller-manager's signer does (usages checked per signer,
// a requested expirationSeconds honoured between 10 minutes and a year, failures as a Failed condition).
import { CSRError, parseCSR, signCSR } from '../pki/csr-sign.js';
import { csrIdentity, kubeletClientProblem, kubeletServingProblem } from '../pki/csr-identity.js';
import type { KObject } from '../client/types.js';
import { CSRS } from './gvr.js';
import type { Informer } from './runtime/informer.js';
import { QueueController, isStatus } from './runtime/queue-controller.js';

const CLIENT = 'kubernetes.io/kube-apiserver-client';
const LEGACY = 'kubernetes.io/legacy-unknown';
const KUBELET_CLIENT = 'kubernetes.io/kube-apiserver-client-kubelet';
const KUBELET_SERVING = 'kubernetes.io/kubelet-serving';
const CERT_TTL_S = 365 * 24 * 3600;
const MIN_TTL_S = 10 * 60;

/** upstream's validAPIServerClientUsages */
function clientUsagesError(usages: string[]): string | undefined {
  let clientAuth = false;
  for (const u of usages) {
    if (u === 'digital signature' || u === 'key encipherment') continue;
    if (u === 'client auth') clientAuth = true;
    else return `invalid usage for client certificate: ${u}`;
  }
  return clientAuth ? undefined : 'missing required usage for client certificate: client auth';
}

const condition = (csr: KObject, type: string) => (csr.status?.conditions ?? []).find((c: KObject) => c.type === type && c.status === 'True');

export class CSRSigningController extends QueueController {
  private csrs!: Informer;

  constructor() {
    super('csrsigning', 2);
  }

  protected register(): void {
    const add = (csr: KObject) => this.queue.add(csr.metadata.name);
    this.csrs = this.ctx.informers.informer(CSRS).on({ add, update: (_, csr) => add(csr) });
  }

  protected async sync(name: string): Promise<void> {
    const csr = this.csrs.get(name);
    if (!csr || csr.status?.certificate || !condition(csr, 'Approved') || condition(csr, 'Failed')) return;
    const signer = csr.spec?.signerName;
    if (signer !== CLIENT && signer !== LEGACY && signer !== KUBELET_CLIENT && signer !== KUBELET_SERVING) return;
    const usages: string[] = csr.spec?.usages ?? [];
    const pem = Buffer.from(csr.spec.request, 'base64').toString('utf8');
    let failure: string | undefined;
    try {
      if (signer === CLIENT) failure = clientUsagesError(usages);
      else if (signer === KUBELET_CLIENT) failure = kubeletClientProblem(csrIdentity(parseCSR(pem)), usages);
      else if (signer === KUBELET_SERVING) failure = kubeletServingProblem(csrIdentity(parseCSR(pem)), usages);
    } catch (e) {
      if (!(e instanceof CSRError)) throw e;
      failure = `unable to parse csr: ${e.message}`;
    }
    let certificate: string | undefined;
    if (!failure) {
      const asked = csr.spec?.expirationSeconds;
      const seconds = asked === undefined ? CERT_TTL_S : Math.min(CERT_TTL_S, Math.max(MIN_TTL_S, asked));
      try {
        certificate = signCSR(this.ctx.ca, pem, usages, seconds);
      } catch (e) {
        if (!(e instanceof CSRError)) throw e;
        failure = `unable to parse csr: ${e.message}`;
      }
    }
    const next = structuredClone(csr);
    if (failure) {
      const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
      next.status = { ...(next.status ?? {}), conditions: [...(next.status?.conditions ?? []), { type: 'Failed', status: 'True', reason: 'SignerValidationFailure', message: failure, lastUpdateTime: now, lastTransitionTime: now }] };
    } else {
      next.status = { ...(next.status ?? {}), certificate: Buffer.from(certificate!).toString('base64') };
    }
    try {
      await this.ctx.client.update(CSRS, '', next, { subresource: 'status' });
    } catch (e) {
      // changed meanwhile (the informer brings it back) or gone
      if (!isStatus(e, 409, 404)) throw e;
    }
  }
}
