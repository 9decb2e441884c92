// kube-apiserver v1.33's admission plugin names, which of them run by default, and its checks of
// --enable-admission-plugins and --disable-admission-plugins.

/** Every plugin kube-apiserver v1.33 registers, in the order it runs them. */
export const ADMISSION_PLUGINS = [
  'AlwaysAdmit',
  'NamespaceAutoProvision',
  'NamespaceLifecycle',
  'NamespaceExists',
  'LimitPodHardAntiAffinityTopology',
  'LimitRanger',
  'ServiceAccount',
  'NodeRestriction',
  'TaintNodesByCondition',
  'AlwaysPullImages',
  'ImagePolicyWebhook',
  'PodSecurity',
  'PodNodeSelector',
  'Priority',
  'DefaultTolerationSeconds',
  'PodTolerationRestriction',
  'EventRateLimit',
  'ExtendedResourceToleration',
  'DefaultStorageClass',
  'StorageObjectInUseProtection',
  'OwnerReferencesPermissionEnforcement',
  'PersistentVolumeClaimResize',
  'RuntimeClass',
  'CertificateApproval',
  'CertificateSigning',
  'ClusterTrustBundleAttest',
  'CertificateSubjectRestriction',
  'DefaultIngressClass',
  'DenyServiceExternalIPs',
  'PodTopologyLabels',
  'MutatingAdmissionPolicy',
  'MutatingAdmissionWebhook',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionWebhook',
  'ResourceQuota',
  'AlwaysDeny',
] as const;

const DEFAULT_ON = new Set([
  'NamespaceLifecycle',
  'LimitRanger',
  'ServiceAccount',
  'DefaultStorageClass',
  'PersistentVolumeClaimResize',
  'DefaultTolerationSeconds',
  'MutatingAdmissionWebhook',
  'ValidatingAdmissionWebhook',
  'ResourceQuota',
  'StorageObjectInUseProtection',
  'Priority',
  'TaintNodesByCondition',
  'RuntimeClass',
  'CertificateApproval',
  'CertificateSigning',
  'ClusterTrustBundleAttest',
  'CertificateSubjectRestriction',
  'DefaultIngressClass',
  'PodSecurity',
  'PodTopologyLabels',
  'MutatingAdmissionPolicy',
  'ValidatingAdmissionPolicy',
]);

/** The plugins minikapi carries out; the others are accepted by name and do nothing. */
export const IMPLEMENTED_ADMISSION_PLUGINS = new Set([
  'AlwaysAdmit',
  'AlwaysDeny',
  'AlwaysPullImages',
  'NamespaceLifecycle',
  'LimitRanger',
  'ServiceAccount',
  'TaintNodesByCondition',
  'PodSecurity',
  'Priority',
  'DefaultTolerationSeconds',
  'DefaultStorageClass',
  'StorageObjectInUseProtection',
  'CertificateApproval',
  'CertificateSigning',
  'CertificateSubjectRestriction',
  'MutatingAdmissionWebhook',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionWebhook',
  'ResourceQuota',
]);

export const DEFAULT_ADMISSION_PLUGINS: readonly string[] = ADMISSION_PLUGINS.filter((p) => DEFAULT_ON.has(p));

/** A flag value as pflag's StringSlice reads it: comma-separated, nothing trimmed, empty = none. */
export function pluginList(value: string | undefined): string[] {
  return value ? value.split(',') : [];
}

/** upstream's AdmissionOptions.Validate, as one message (utilerrors' aggregate: one as is, several in brackets). */
export function admissionPluginsProblem(enable: readonly string[] = [], disable: readonly string[] = []): string | undefined {
  const known = new Set<string>(ADMISSION_PLUGINS);
  const errs: string[] = [];
  for (const n of enable) if (!known.has(n)) errs.push(`enable-admission-plugins plugin ${JSON.stringify(n)} is unknown`);
  for (const n of disable) if (!known.has(n)) errs.push(`disable-admission-plugins plugin ${JSON.stringify(n)} is unknown`);
  const overlap = [...new Set(enable)].filter((n) => disable.includes(n)).sort();
  if (overlap.length) errs.push(`[${overlap.join(' ')}] in enable-admission-plugins and disable-admission-plugins overlapped`);
  if (!errs.length) return undefined;
  return errs.length === 1 ? errs[0] : `[${errs.join(', ')}]`;
}

/** The plugins that run: the default ones and the enabled, less the disabled, in upstream's order. */
export function enabledAdmissionPlugins(enable: readonly string[] = [], disable: readonly string[] = []): Set<string> {
  return new Set(ADMISSION_PLUGINS.filter((p) => !disable.includes(p) && (DEFAULT_ON.has(p) || enable.includes(p))));
}
