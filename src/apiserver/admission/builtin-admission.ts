// The built-in admission plugins in kube-apiserver's order around the dynamic ones: LimitRanger mutates
// before mutating webhooks and validates before policies; ResourceQuota validates last of all.
import type { Registry } from '../../registry/index.js';
import type { AdmissionAttributes, KObject, RequestContext } from '../../registry/types.js';
import { LimitRanger, limitRangerHandles } from './limit-ranger.js';
import { ResourceQuotaAdmission } from './resource-quota.js';

export class BuiltinAdmission {
  private readonly limitRanger: LimitRanger;
  private readonly quota: ResourceQuotaAdmission;

  constructor(registry: Registry) {
    this.limitRanger = new LimitRanger(registry);
    this.quota = new ResourceQuotaAdmission(registry);
  }

  /** Whether a built-in would mutate: a pod created in a namespace with LimitRanges. */
  async interestedInMutating(a: AdmissionAttributes): Promise<boolean> {
    return a.def.group === '' && a.def.resource === 'pods' && limitRangerHandles(a) && (await this.limitRanger.hasRanges(a.namespace));
  }

  mutate(a: AdmissionAttributes, obj: KObject | undefined): Promise<boolean> {
    return this.limitRanger.mutate(a, obj);
  }

  validate(a: AdmissionAttributes, obj: KObject | undefined): Promise<void> {
    return this.limitRanger.validate(a, obj);
  }

  validateLast(a: AdmissionAttributes, obj: KObject | undefined, old: KObject | undefined, ctx: RequestContext): Promise<void> {
    return this.quota.validate(a, obj, old, ctx);
  }
}
