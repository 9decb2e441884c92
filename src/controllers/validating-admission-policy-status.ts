// validatingadmissionpolicy-status-controller: type checks each new policy generation and writes
// status.observedGeneration and status.typeChecking.expressionWarnings, as kube-controller-manager does.
import type { GVR, KObject } from '../client/types.js';
import type { Informer } from './runtime/informer.js';
import { QueueController, isStatus } from './runtime/queue-controller.js';

export const VALIDATING_ADMISSION_POLICIES: GVR = { group: 'admissionregistration.k8s.io', version: 'v1', resource: 'validatingadmissionpolicies', namespaced: false };
const CRDS: GVR = { group: 'apiextensions.k8s.io', version: 'v1', resource: 'customresourcedefinitions', namespaced: false };

/** The type checker (the admission layer's), handed in by the composition root, with the CRDs for custom kinds. */
export type PolicyTypeChecker = (policy: KObject, crds: readonly KObject[]) => Promise<{ fieldRef: string; warning: string }[]>;

export class ValidatingAdmissionPolicyStatusController extends QueueController {
  private policies!: Informer;
  private crds!: Informer;

  constructor(private readonly typeCheck: PolicyTypeChecker) {
    super('validatingadmissionpolicy-status-controller');
  }

  protected register(): void {
    const enqueue = (p: KObject) => this.queue.add(p.metadata.name);
    this.policies = this.ctx.informers.informer(VALIDATING_ADMISSION_POLICIES).on({ add: enqueue, update: (_, p) => enqueue(p) });
    // as upstream, a policy is checked once per generation: a CRD created later does not check it again
    this.crds = this.ctx.informers.informer(CRDS);
  }

  protected async sync(name: string): Promise<void> {
    const policy = this.policies.get(name);
    if (!policy) return;
    const generation = policy.metadata.generation ?? 0;
    if (generation <= (policy.status?.observedGeneration ?? 0)) return;
    const expressionWarnings = await this.typeCheck(policy, this.crds.items());
    const status = { observedGeneration: generation, typeChecking: expressionWarnings.length ? { expressionWarnings } : {}, ...(policy.status?.conditions ? { conditions: policy.status.conditions } : {}) };
    try {
      await this.ctx.client.update(VALIDATING_ADMISSION_POLICIES, '', { ...policy, status }, { subresource: 'status' });
    } catch (e) {
      if (!isStatus(e, 404, 409)) throw e;
      // a conflict means the cache is behind: the informer's update enqueues the policy again
      if (isStatus(e, 409)) this.queue.addRateLimited(name);
    }
  }
}
