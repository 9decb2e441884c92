// The resources the in-process controllers work with.
import type { GVR } from '../client/types.js';

const core = (resource: string, namespaced = true): GVR => ({ group: '', version: 'v1', resource, namespaced });

export const NAMESPACES = core('namespaces', false);
export const PODS = core('pods');
export const CONFIGMAPS = core('configmaps');
export const SERVICEACCOUNTS = core('serviceaccounts');
export const CSRS: GVR = { group: 'certificates.k8s.io', version: 'v1', resource: 'certificatesigningrequests', namespaced: false };
export const NODES = core('nodes', false);
export const EVENTS = core('events');
export const LEASES: GVR = { group: 'coordination.k8s.io', version: 'v1', resource: 'leases', namespaced: true };
export const CSINODES: GVR = { group: 'storage.k8s.io', version: 'v1', resource: 'csinodes', namespaced: false };
export const REPLICASETS: GVR = { group: 'apps', version: 'v1', resource: 'replicasets', namespaced: true };
export const DEPLOYMENTS: GVR = { group: 'apps', version: 'v1', resource: 'deployments', namespaced: true };
export const REPLICATIONCONTROLLERS: GVR = { group: '', version: 'v1', resource: 'replicationcontrollers', namespaced: true };
export const EVENTS_V1: GVR = { group: 'events.k8s.io', version: 'v1', resource: 'events', namespaced: true };
export const JOBS: GVR = { group: 'batch', version: 'v1', resource: 'jobs', namespaced: true };
export const CRONJOBS: GVR = { group: 'batch', version: 'v1', resource: 'cronjobs', namespaced: true };
export const STATEFULSETS: GVR = { group: 'apps', version: 'v1', resource: 'statefulsets', namespaced: true };
export const DAEMONSETS: GVR = { group: 'apps', version: 'v1', resource: 'daemonsets', namespaced: true };
export const CONTROLLERREVISIONS: GVR = { group: 'apps', version: 'v1', resource: 'controllerrevisions', namespaced: true };
export const PVCS = core('persistentvolumeclaims');
