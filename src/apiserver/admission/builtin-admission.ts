// The built-in admission plugins in kube-apiserver's order around the dynamic ones: LimitRanger,
// TaintNodesByCondition and StorageObjectInUseProtection mutate before mutating webhooks, LimitRanger
// validates before policies; ResourceQuota validates last of all. Only the enabled plugins run.
import { forbidden } from '../../apimachinery/errors.js';
import type { Registry } from '../../registry/index.js';
import type { AdmissionAttributes, KObject, RequestContext } from '../../registry/types.js';
import { enabledAdmissionPlugins } from './admission-plugins.js';
import { alwaysPullImages, alwaysPullImagesHandles, validateAlwaysPullImages } from './always-pull-images.js';
import { LimitRanger, limitRangerHandles } from './limit-ranger.js';
import { addNotReadyTaint, nodeTaintHandles } from './node-taint.js';
import { ResourceQuotaAdmission, type LimitedResource } from './resource-quota.js';
import { addProtectionFinalizer, storageProtectionHandles } from './storage-protection.js';
import { mountableSecretsHandles, validateMountableSecrets } from './mountable-secrets.js';

const IMMORTAL_NAMESPACES = new Set(['default', 'kube-system', 'kube-public']);

export class BuiltinAdmission {
  private readonly limitRanger: LimitRanger;
  private readonly quota: ResourceQuotaAdmission;

  constructor(
    private readonly registry: Registry,
    private readonly plugins: ReadonlySet<string> = enabledAdmissionPlugins(),
    limitedResources: LimitedResource[] = [],
  ) {
    this.limitRanger = new LimitRanger(registry);
    this.quota = new ResourceQuotaAdmission(registry, limitedResources);
  }

  /** Whether the named plugin (upstream's name) is enabled. */
  has(plugin: string): boolean {
    return this.plugins.has(plugin);
  }

  /** Whether a built-in would mutate: a new Node, PV or PVC, or a pod created in a namespace with LimitRanges. */
  async interestedInMutating(a: AdmissionAttributes): Promise<boolean> {
    if (this.plugins.has('TaintNodesByCondition') && nodeTaintHandles(a)) return true;
    if (this.plugins.has('StorageObjectInUseProtection') && storageProtectionHandles(a)) return true;
    if (this.plugins.has('AlwaysPullImages') && a.operation === 'CREATE' && !a.subresource && a.def.group === '' && a.def.resource === 'pods') return true;
    return this.plugins.has('LimitRanger') && a.def.group === '' && a.def.resource === 'pods' && limitRangerHandles(a) && (await this.limitRanger.hasRanges(a.namespace));
  }

  async mutate(a: AdmissionAttributes, obj: KObject | undefined, old?: KObject): Promise<boolean> {
    // NamespaceLifecycle, first of the mutating plugins: the immortal namespaces cannot be deleted
    if (a.operation === 'DELETE' && a.def.group === '' && a.def.resource === 'namespaces' && IMMORTAL_NAMESPACES.has(a.name) && this.plugins.has('NamespaceLifecycle'))
      throw forbidden({ group: '', resource: 'namespaces' }, a.name, 'this namespace may not be deleted');
    let changed = false;
    if (this.plugins.has('LimitRanger')) changed = await this.limitRanger.mutate(a, obj);
    if (obj && this.plugins.has('AlwaysPullImages') && alwaysPullImagesHandles(a, obj, old)) changed = alwaysPullImages(obj) || changed;
    if (obj && this.plugins.has('TaintNodesByCondition') && nodeTaintHandles(a)) changed = addNotReadyTaint(obj) || changed;
    if (obj && this.plugins.has('StorageObjectInUseProtection') && storageProtectionHandles(a)) changed = addProtectionFinalizer(a, obj) || changed;
    return changed;
  }

  async validate(a: AdmissionAttributes, obj: KObject | undefined, old?: KObject): Promise<void> {
    if (this.plugins.has('LimitRanger')) await this.limitRanger.validate(a, obj);
    const lookUp = this.registry.services.serviceAccount;
    if (obj && lookUp && this.plugins.has('ServiceAccount') && mountableSecretsHandles(a)) await validateMountableSecrets(a, obj, lookUp);
    if (obj && this.plugins.has('AlwaysPullImages') && alwaysPullImagesHandles(a, obj, old)) validateAlwaysPullImages(a, obj);
  }

  async validateLast(a: AdmissionAttributes, obj: KObject | undefined, old: KObject | undefined, ctx: RequestContext): Promise<void> {
    if (this.plugins.has('ResourceQuota')) await this.quota.validate(a, obj, old, ctx);
    // AlwaysDeny, last in upstream's order, refuses every write
    if (this.plugins.has('AlwaysDeny')) throw forbidden({ group: a.def.group, resource: a.def.resource }, a.name || obj?.metadata?.name || '', 'admission control is denying all modifications');
  }
}
