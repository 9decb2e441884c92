// Every descriptor table, in dependency order: data only, so importing it costs no protobuf library.
import type { ProtoGroup } from './types.js';
import { meta, resource, intstr, runtime } from './meta.js';
import { core } from './core.js';
import { corePod } from './core-pod.js';
import { coreVolume } from './core-volume.js';
import { coreMore } from './core-more.js';
import { apps, batch } from './apps-batch.js';
import { networking, policy, scheduling, rbac } from './networking-policy-rbac.js';
import { authorization, authentication, certificates } from './auth.js';
import { autoscaling, autoscaling2 } from './autoscaling.js';
import { admissionregistration } from './admission.js';
import { apiextensions, apiregistration } from './apiextensions.js';
import { coordination, discovery, events, flowcontrol } from './cluster.js';
import { storage, node } from './storage-node.js';

export const ALL_GROUPS: ProtoGroup[] = [
  meta, resource, intstr, runtime,
  core, corePod, coreVolume, coreMore,
  apps, batch, networking, policy, scheduling, rbac,
  authorization, authentication, certificates,
  autoscaling, autoscaling2,
  admissionregistration, apiextensions, apiregistration,
  coordination, discovery, events, flowcontrol, storage, node,
];
