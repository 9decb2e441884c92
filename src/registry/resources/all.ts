// Every built-in resource served, in upstream's discovery order: core first, then groups by priority, the
// preferred version first within a group, resources sorted by name within a group version (as the installer does).
import type { ResourceDef } from '../types.js';
import { accessReviewResources } from './access-reviews.js';
import { admissionResources } from './admission.js';
import { apiextensionsResources } from './apiextensions.js';
import { apiregistrationResources } from './apiregistration.js';
import { appsResources } from './apps.js';
import { appsWorkloadResources } from './apps-workloads.js';
import { autoscalingResources } from './autoscaling.js';
import { batchResources } from './batch.js';
import { certificatesResources } from './certificates.js';
import { coreResources } from './core.js';
import { coreExtraResources } from './core-extra.js';
import { discoveryResources } from './endpointslices.js';
import { eventsV1Resources } from './events-v1.js';
import { flowcontrolResources } from './flowcontrol.js';
import { metricsResources } from './metrics.js';
import { networkingResources } from './networking.js';
import { nodeResources, policyResources, schedulingResources } from './policy-scheduling.js';
import { rbacResources } from './rbac.js';
import { reviewResources } from './reviews.js';
import { storageResources } from './storage.js';

/** Group versions as kube-apiserver 1.33 lists them (aggregated discovery and /apis). */
const GROUP_VERSIONS = [
  '/v1',
  'apiregistration.k8s.io/v1',
  'apps/v1',
  'events.k8s.io/v1',
  'authentication.k8s.io/v1',
  'authorization.k8s.io/v1',
  'autoscaling/v2',
  'autoscaling/v1',
  'batch/v1',
  'certificates.k8s.io/v1',
  'networking.k8s.io/v1',
  'policy/v1',
  'rbac.authorization.k8s.io/v1',
  'storage.k8s.io/v1',
  'admissionregistration.k8s.io/v1',
  'apiextensions.k8s.io/v1',
  'scheduling.k8s.io/v1',
  'coordination.k8s.io/v1',
  'node.k8s.io/v1',
  'discovery.k8s.io/v1',
  'flowcontrol.apiserver.k8s.io/v1',
  'metrics.k8s.io/v1beta1',
];

const all: ResourceDef[] = [
  ...coreResources,
  ...coreExtraResources,
  ...apiregistrationResources,
  ...appsResources,
  ...appsWorkloadResources,
  ...eventsV1Resources,
  ...reviewResources,
  ...accessReviewResources,
  ...autoscalingResources,
  ...batchResources,
  ...certificatesResources,
  ...networkingResources,
  ...policyResources,
  ...rbacResources,
  ...storageResources,
  ...admissionResources,
  ...apiextensionsResources,
  ...schedulingResources,
  ...nodeResources,
  ...discoveryResources,
  ...flowcontrolResources,
  ...metricsResources,
];

function order(d: ResourceDef): number {
  const i = GROUP_VERSIONS.indexOf(`${d.group}/${d.version}`);
  return i < 0 ? GROUP_VERSIONS.length : i;
}

export const builtinResources: ResourceDef[] = [...all].sort((a, b) => order(a) - order(b) || (a.resource < b.resource ? -1 : a.resource > b.resource ? 1 : 0));
