import type { ProtoGroup } from './types.js';

export const meta: ProtoGroup = {
  ns: 'meta',
  kinds: { '*': ['DeleteOptions', 'CreateOptions', 'UpdateOptions', 'PatchOptions'] },
  messages: {
    DeleteOptions: `gracePeriodSeconds:1:l* preconditions:2:Preconditions* orphanDependents:3:b* propagationPolicy:4:s*
      dryRun:5:[s] ignoreStoreReadErrorWithClusterBreakingPotential:6:b*`,
    CreateOptions: 'dryRun:1:[s] fieldManager:3:s fieldValidation:4:s',
    UpdateOptions: 'dryRun:1:[s] fieldManager:2:s fieldValidation:3:s',
    PatchOptions: 'dryRun:1:[s] force:2:b* fieldManager:3:s fieldValidation:4:s',
    ObjectMeta: `name:1:s generateName:2:s namespace:3:s selfLink:4:s uid:5:s resourceVersion:6:s generation:7:l
      creationTimestamp:8:Time~ deletionTimestamp:9:Time* deletionGracePeriodSeconds:10:l* labels:11:{s}
      annotations:12:{s} ownerReferences:13:[OwnerReference] finalizers:14:[s] managedFields:17:[ManagedFieldsEntry]`,
    Preconditions: 'uid:1:s* resourceVersion:2:s*',
    Time: '@time seconds:1:l nanos:2:i',
    OwnerReference: 'apiVersion:5:s! kind:1:s! name:3:s! uid:4:s! controller:6:b* blockOwnerDeletion:7:b*',
    ManagedFieldsEntry: 'manager:1:s operation:2:s apiVersion:3:s time:4:Time* fieldsType:6:s fieldsV1:7:FieldsV1* subresource:8:s',
    Condition: 'type:1:s! status:2:s! observedGeneration:3:l lastTransitionTime:4:Time reason:5:s! message:6:s!',
    LabelSelector: 'matchLabels:1:{s} matchExpressions:2:[LabelSelectorRequirement]',
    FieldsV1: '@json raw:1:y',
    LabelSelectorRequirement: 'key:1:s! operator:2:s! values:3:[s]',
    FieldSelectorRequirement: 'key:1:s! operator:2:s! values:3:[s]',
    MicroTime: '@microtime seconds:1:l nanos:2:i',
    Duration: '@duration duration:1:l',
  },
};

export const resource: ProtoGroup = {
  ns: 'resource',
  kinds: {},
  messages: {
    Quantity: '@quantity string:1:s',
  },
};

export const intstr: ProtoGroup = {
  ns: 'intstr',
  kinds: {},
  messages: {
    IntOrString: '@intorstring type:1:l intVal:2:i strVal:3:s',
  },
};

export const runtime: ProtoGroup = {
  ns: 'runtime',
  kinds: {},
  messages: {
    Unknown: 'typeMeta:1:TypeMeta raw:2:y contentEncoding:3:s contentType:4:s',
    TypeMeta: 'apiVersion:1:s kind:2:s',
    RawExtension: '@json raw:1:y',
  },
};
