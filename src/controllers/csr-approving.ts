// csrapproving: kubelet client certificate requests (kube-apiserver-client-kubelet signer) are approved when a
// SubjectAccessReview says their requester may create certificatesigningrequests/nodeclient (or /selfnodeclient
// for a node renewing its own certificate), as kube-controller-manager's sarapprove controller does.
import type { GVR, KObject } from '../client/types.js';
import { CSRError, parseCSR } from '../pki/csr-sign.js';
import { csrIdentity, kubeletClientProblem } from '../pki/csr-identity.js';
import { CSRS } from './gvr.js';
import type { Informer } from './runtime/informer.js';
import { QueueController, Requeue, isStatus } from './runtime/queue-controller.js';

const KUBELET_CLIENT = 'kubernetes.io/kube-apiserver-client-kubelet';
const SARS: GVR = { group: 'authorization.k8s.io', version: 'v1', resource: 'subjectaccessreviews', namespaced: false };

interface Recognizer {
  subresource: string;
  message: string;
  recognize(csr: KObject, commonName: string): boolean;
}

// upstream's order: a node's own renewal first, then any node client request
const RECOGNIZERS: Recognizer[] = [
  { subresource: 'selfnodeclient', message: 'Auto approving self kubelet client certificate after SubjectAccessReview.', recognize: (csr, cn) => csr.spec?.username === cn },
  { subresource: 'nodeclient', message: 'Auto approving kubelet client certificate after SubjectAccessReview.', recognize: () => true },
];

const hasCondition = (csr: KObject, ...types: string[]) => (csr.status?.conditions ?? []).some((c: KObject) => types.includes(c.type));

export class CSRApprovingController extends QueueController {
  private csrs!: Informer;

  constructor() {
    super('csrapproving', 1);
  }

  protected register(): void {
    const add = (csr: KObject) => this.queue.add(csr.metadata.name);
    this.csrs = this.ctx.informers.informer(CSRS).on({ add, update: (_, csr) => add(csr) });
  }

  /** The SubjectAccessReview upstream makes for the CSR's requester. */
  private async allowed(csr: KObject, subresource: string): Promise<boolean> {
    const spec = csr.spec ?? {};
    const sar = await this.ctx.client.create(SARS, '', {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SubjectAccessReview',
      spec: {
        user: spec.username,
        uid: spec.uid,
        groups: spec.groups,
        extra: spec.extra,
        resourceAttributes: { group: 'certificates.k8s.io', version: '*', resource: 'certificatesigningrequests', verb: 'create', subresource },
      },
    });
    return sar.status?.allowed === true;
  }

  protected async sync(name: string): Promise<void> {
    const csr = this.csrs.get(name);
    if (!csr || csr.status?.certificate || hasCondition(csr, 'Approved', 'Denied')) return;
    if (csr.spec?.signerName !== KUBELET_CLIENT) return;
    let commonName: string;
    try {
      const id = csrIdentity(parseCSR(Buffer.from(csr.spec.request ?? '', 'base64').toString('utf8')));
      // only a request that is a valid kubelet client one is recognized at all
      if (kubeletClientProblem(id, csr.spec.usages ?? [])) return;
      commonName = id.commonName;
    } catch (e) {
      if (e instanceof CSRError) return;
      throw e;
    }
    for (const r of RECOGNIZERS) {
      if (!r.recognize(csr, commonName)) continue;
      if (!(await this.allowed(csr, r.subresource))) continue;
      const next = structuredClone(csr);
      // the approval strategy stamps the condition's times
      next.status = { ...(next.status ?? {}), conditions: [...(next.status?.conditions ?? []), { type: 'Approved', status: 'True', reason: 'AutoApproved', message: r.message }] };
      try {
        await this.ctx.client.update(CSRS, '', next, { subresource: 'approval' });
      } catch (e) {
        if (isStatus(e, 404)) return;
        if (isStatus(e, 409)) throw new Requeue(`csr ${name}: conflict`);
        throw e;
      }
      return;
    }
    // upstream ignores (does not retry) a recognized request whose reviews all said no
  }
}
