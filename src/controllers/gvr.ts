// The resources the in-process controllers work with.
import type { GVR } from '../client/types.js';

const core = (resource: string, namespaced = true): GVR => ({ group: '', version: 'v1', resource, namespaced });

export const NAMESPACES = core('namespaces', false);
export const PODS = core('pods');
export const CONFIGMAPS = core('configmaps');
export const SERVICEACCOUNTS = core('serviceaccounts');
export const CSRS: GVR = { group: 'certificates.k8s.io', version: 'v1', resource: 'certificatesigningrequests', namespaced: false };
