// Every descriptor table, in dependency order: data only, so importing it costs no protobuf library.
import type { ProtoGroup } from './schema.js';
import { meta, resource, intstr, runtime } from './descriptors-meta.js';
import { core } from './descriptors-core.js';
import { corePod } from './descriptors-core-pod.js';
import { coreVolume } from './descriptors-core-volume.js';
import { coreMore } from './descriptors-core-more.js';
import { apps, batch } from './descriptors-apps-batch.js';
import { networking, policy, scheduling, rbac } from './descriptors-networking-policy-rbac.js';
import { authorization, authentication, certificates } from './descriptors-auth.js';
import { autoscaling, autoscaling2 } from './descriptors-autoscaling.js';
import { admissionregistration } from './descriptors-admission.js';
import { apiextensions, apiregistration } from './descriptors-apiextensions.js';
import { coordination, discovery, events, flowcontrol } from './descriptors-cluster.js';
import { storage, node } from './descriptors-storage-node.js';

export const ALL_GROUPS: ProtoGroup[] = [
  meta, resource, intstr, runtime,
  core, corePod, coreVolume, coreMore,
  apps, batch, networking, policy, scheduling, rbac,
  authorization, authentication, certificates,
  autoscaling, autoscaling2,
  admissionregistration, apiextensions, apiregistration,
  coordination, discovery, events, flowcontrol, storage, node,
];
