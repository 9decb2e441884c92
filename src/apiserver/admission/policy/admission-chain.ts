// Admission in upstream's order: built-in mutation, then mutating webhooks; then, after schema validation,
// built-in validation, validating admission policies, validating webhooks, and ResourceQuota last.
import type { Admission, AdmissionAttributes, KObject, RequestContext } from '../../../registry/types.js';
import type { BuiltinAdmission } from '../builtin-admission.js';
import type { PolicyAdmission } from './policy-admission.js';
import { admitCertificateSigningRequest } from '../certificates.js';
import type { PodSecurityAdmission } from '../pod-security/pod-security-admission.js';

export class AdmissionChain implements Admission {
  constructor(
    private readonly webhooks: Admission,
    private readonly policies: PolicyAdmission,
    private readonly podSecurity?: PodSecurityAdmission,
    private readonly builtins?: BuiltinAdmission,
  ) {}

  async interested(which: 'mutating' | 'validating', a: AdmissionAttributes): Promise<boolean> {
    if (which === 'validating') return true;
    return (await this.builtins?.interestedInMutating(a)) || (this.enabled('MutatingAdmissionWebhook') && this.webhooks.interested(which, a));
  }

  /** Whether a plugin runs (all do when no built-ins say otherwise). */
  private enabled(plugin: string): boolean {
    return this.builtins?.has(plugin) ?? true;
  }

  async mutate(a: AdmissionAttributes, obj: KObject | undefined, old: KObject | undefined, ctx: RequestContext): Promise<boolean> {
    const builtin = (await this.builtins?.mutate(a, obj, old)) ?? false;
    if (!this.enabled('MutatingAdmissionWebhook')) return builtin;
    return (await this.webhooks.mutate(a, obj, old, ctx)) || builtin;
  }

  async validate(a: AdmissionAttributes, obj: KObject | undefined, old: KObject | undefined, ctx: RequestContext): Promise<void> {
    await admitCertificateSigningRequest(a, obj, old, ctx, (p) => this.enabled(p));
    await this.builtins?.validate(a, obj, old);
    if (this.enabled('PodSecurity')) await this.podSecurity?.validate(a, obj, old, ctx);
    if (this.enabled('ValidatingAdmissionPolicy')) await this.policies.validate(a, obj, old, ctx);
    if (this.enabled('ValidatingAdmissionWebhook')) await this.webhooks.validate(a, obj, old, ctx);
    await this.builtins?.validateLast(a, obj, old, ctx);
  }
}
