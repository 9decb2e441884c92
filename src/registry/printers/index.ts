import {
  mutatingAdmissionPolicyPrinter, mutatingWebhookPrinter, policyBindingPrinter, validatingAdmissionPolicyPrinter, validatingWebhookPrinter,
} from './admission.js';
import { apiServicePrinter, certificateSigningRequestPrinter, endpointSlicePrinter, leasePrinter, podDisruptionBudgetPrinter, priorityClassPrinter, runtimeClassPrinter } from './misc.js';
import { controllerRevisionPrinter, daemonSetPrinter, deploymentPrinter, replicaSetPrinter, statefulSetPrinter } from './apps.js';
import { cronJobPrinter, jobPrinter } from './batch.js';
import {
  configMapPrinter, endpointsPrinter, namespacePrinter, nodePrinter, podTemplatePrinter, replicationControllerPrinter,
  resourceQuotaPrinter, secretPrinter, serviceAccountPrinter, servicePrinter,
} from './core.js';
import { persistentVolumeClaimPrinter, persistentVolumePrinter } from './core-volumes.js';
import { defaultPrinter } from './default.js';
import {
  clusterTrustBundlePrinter, componentStatusPrinter, csiStorageCapacityPrinter, deviceClassPrinter, ipAddressPrinter, leaseCandidatePrinter,
  resourceClaimPrinter, resourceClaimTemplatePrinter, resourceSlicePrinter, serviceCIDRPrinter, storageVersionMigrationPrinter,
  storageVersionPrinter, volumeAttributesClassPrinter,
} from './extras.js';
import { eventPrinter, eventsV1Printer } from './events.js';
import { flowSchemaPrinter, priorityLevelConfigurationPrinter } from './flowcontrol.js';
import { horizontalPodAutoscalerPrinter } from './autoscaling.js';
import { ingressClassPrinter, ingressPrinter, networkPolicyPrinter } from './networking.js';
import { podPrinter } from './pod.js';
import { clusterRoleBindingPrinter, roleBindingPrinter } from './rbac.js';
import { csiDriverPrinter, csiNodePrinter, storageClassPrinter, volumeAttachmentPrinter } from './storage.js';
import type { TablePrinter } from './types.js';

export type { ColumnDefinition, TablePrinter, TableRowCondition, TableRowData } from './types.js';
export { defaultPrinter } from './default.js';
export { humanDuration, translateTimestampSince } from './util.js';

// Keyed "group/resource"; resources absent here (roles, clusterroles, limitranges, CRDs, ...) use the default printer, as upstream does.
const PRINTERS: Record<string, TablePrinter> = {
  '/pods': podPrinter,
  '/podtemplates': podTemplatePrinter,
  '/replicationcontrollers': replicationControllerPrinter,
  '/services': servicePrinter,
  '/endpoints': endpointsPrinter,
  '/nodes': nodePrinter,
  '/events': eventPrinter,
  '/namespaces': namespacePrinter,
  '/secrets': secretPrinter,
  '/serviceaccounts': serviceAccountPrinter,
  '/persistentvolumes': persistentVolumePrinter,
  '/persistentvolumeclaims': persistentVolumeClaimPrinter,
  '/configmaps': configMapPrinter,
  '/resourcequotas': resourceQuotaPrinter,
  '/componentstatuses': componentStatusPrinter,
  'events.k8s.io/events': eventsV1Printer,
  'apps/deployments': deploymentPrinter,
  'apps/replicasets': replicaSetPrinter,
  'apps/statefulsets': statefulSetPrinter,
  'apps/daemonsets': daemonSetPrinter,
  'apps/controllerrevisions': controllerRevisionPrinter,
  'batch/jobs': jobPrinter,
  'batch/cronjobs': cronJobPrinter,
  'autoscaling/horizontalpodautoscalers': horizontalPodAutoscalerPrinter,
  'policy/poddisruptionbudgets': podDisruptionBudgetPrinter,
  'networking.k8s.io/ingresses': ingressPrinter,
  'networking.k8s.io/ingressclasses': ingressClassPrinter,
  'networking.k8s.io/networkpolicies': networkPolicyPrinter,
  'rbac.authorization.k8s.io/rolebindings': roleBindingPrinter,
  'rbac.authorization.k8s.io/clusterrolebindings': clusterRoleBindingPrinter,
  'certificates.k8s.io/certificatesigningrequests': certificateSigningRequestPrinter,
  'coordination.k8s.io/leases': leasePrinter,
  'scheduling.k8s.io/priorityclasses': priorityClassPrinter,
  'node.k8s.io/runtimeclasses': runtimeClassPrinter,
  'storage.k8s.io/storageclasses': storageClassPrinter,
  'storage.k8s.io/csidrivers': csiDriverPrinter,
  'storage.k8s.io/csinodes': csiNodePrinter,
  'storage.k8s.io/volumeattachments': volumeAttachmentPrinter,
  'discovery.k8s.io/endpointslices': endpointSlicePrinter,
  'flowcontrol.apiserver.k8s.io/flowschemas': flowSchemaPrinter,
  'flowcontrol.apiserver.k8s.io/prioritylevelconfigurations': priorityLevelConfigurationPrinter,
  'apiregistration.k8s.io/apiservices': apiServicePrinter,
  'networking.k8s.io/servicecidrs': serviceCIDRPrinter,
  'networking.k8s.io/ipaddresses': ipAddressPrinter,
  'storage.k8s.io/csistoragecapacities': csiStorageCapacityPrinter,
  'storage.k8s.io/volumeattributesclasses': volumeAttributesClassPrinter,
  'resource.k8s.io/deviceclasses': deviceClassPrinter,
  'resource.k8s.io/resourceclaims': resourceClaimPrinter,
  'resource.k8s.io/resourceclaimtemplates': resourceClaimTemplatePrinter,
  'resource.k8s.io/resourceslices': resourceSlicePrinter,
  'coordination.k8s.io/leasecandidates': leaseCandidatePrinter,
  'certificates.k8s.io/clustertrustbundles': clusterTrustBundlePrinter,
  'internal.apiserver.k8s.io/storageversions': storageVersionPrinter,
  'storagemigration.k8s.io/storageversionmigrations': storageVersionMigrationPrinter,
  'admissionregistration.k8s.io/mutatingwebhookconfigurations': mutatingWebhookPrinter,
  'admissionregistration.k8s.io/validatingwebhookconfigurations': validatingWebhookPrinter,
  'admissionregistration.k8s.io/validatingadmissionpolicies': validatingAdmissionPolicyPrinter,
  'admissionregistration.k8s.io/validatingadmissionpolicybindings': policyBindingPrinter,
  'admissionregistration.k8s.io/mutatingadmissionpolicies': mutatingAdmissionPolicyPrinter,
  'admissionregistration.k8s.io/mutatingadmissionpolicybindings': policyBindingPrinter,
};

/** The Table printer kube-apiserver v1.33 uses for group/resource (group '' for core), else the default Name/Created At one. */
export function printerFor(group: string, resource: string): TablePrinter {
  return PRINTERS[`${group}/${resource}`] ?? defaultPrinter;
}
