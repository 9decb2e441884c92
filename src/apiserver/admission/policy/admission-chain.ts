// Dynamic admission in upstream's order: mutating webhooks; then, after schema validation, validating
// admission policies before validating webhooks.
import type { Admission, AdmissionAttributes, KObject, RequestContext } from '../../../registry/types.js';
import type { PolicyAdmission } from './policy-admission.js';

export class AdmissionChain implements Admission {
  constructor(private readonly webhooks: Admission, private readonly policies: PolicyAdmission, private readonly builtins?: Pick<Admission, 'validate'>) {}

  interested(which: 'mutating' | 'validating', a: AdmissionAttributes): Promise<boolean> {
    return which === 'mutating' ? this.webhooks.interested(which, a) : Promise.resolve(true);
  }

  mutate(a: AdmissionAttributes, obj: KObject | undefined, old: KObject | undefined, ctx: RequestContext): Promise<boolean> {
    return this.webhooks.mutate(a, obj, old, ctx);
  }

  async validate(a: AdmissionAttributes, obj: KObject | undefined, old: KObject | undefined, ctx: RequestContext): Promise<void> {
    await this.policies.validate(a, obj, old, ctx);
    await this.webhooks.validate(a, obj, old, ctx);
    await this.builtins?.validate(a, obj, old, ctx);
  }
}
