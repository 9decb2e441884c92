import type { ProtoGroup } from './types.js';

export const storage: ProtoGroup = {
  ns: 'storage',
  kinds: { 'storage.k8s.io/v1': ['CSIDriver', 'CSINode', 'CSIStorageCapacity', 'StorageClass', 'VolumeAttachment'] },
  messages: {
    CSIDriver: 'metadata:1:meta.ObjectMeta spec:2:CSIDriverSpec',
    CSINode: 'metadata:1:meta.ObjectMeta spec:2:CSINodeSpec',
    CSIStorageCapacity: `metadata:1:meta.ObjectMeta nodeTopology:2:meta.LabelSelector* storageClassName:3:s!
      capacity:4:resource.Quantity* maximumVolumeSize:5:resource.Quantity*`,
    StorageClass: `metadata:1:meta.ObjectMeta provisioner:2:s! parameters:3:{s} reclaimPolicy:4:s* mountOptions:5:[s]
      allowVolumeExpansion:6:b* volumeBindingMode:7:s* allowedTopologies:8:[core.TopologySelectorTerm]`,
    VolumeAttachment: 'metadata:1:meta.ObjectMeta spec:2:VolumeAttachmentSpec status:3:VolumeAttachmentStatus',
    CSIDriverSpec: `attachRequired:1:b* podInfoOnMount:2:b* volumeLifecycleModes:3:[s] storageCapacity:4:b*
      fsGroupPolicy:5:s* tokenRequests:6:[TokenRequest] requiresRepublish:7:b* seLinuxMount:8:b*
      nodeAllocatableUpdatePeriodSeconds:9:l*`,
    CSINodeSpec: 'drivers:1:[CSINodeDriver]!',
    VolumeAttachmentSpec: 'attacher:1:s! source:2:VolumeAttachmentSource nodeName:3:s!',
    VolumeAttachmentStatus: 'attached:1:b! attachmentMetadata:2:{s} attachError:3:VolumeError* detachError:4:VolumeError*',
    TokenRequest: 'audience:1:s! expirationSeconds:2:l*',
    CSINodeDriver: 'name:1:s! nodeID:2:s! topologyKeys:3:[s]! allocatable:4:VolumeNodeResources*',
    VolumeAttachmentSource: 'persistentVolumeName:1:s* inlineVolumeSpec:2:core.PersistentVolumeSpec*',
    VolumeError: 'time:1:meta.Time message:2:s errorCode:3:i*',
    VolumeNodeResources: 'count:1:i*',
  },
};

export const node: ProtoGroup = {
  ns: 'node',
  kinds: { 'node.k8s.io/v1': ['RuntimeClass'] },
  messages: {
    RuntimeClass: 'metadata:1:meta.ObjectMeta handler:2:s! overhead:3:Overhead* scheduling:4:Scheduling*',
    Overhead: 'podFixed:1:{resource.Quantity}',
    Scheduling: 'nodeSelector:1:{s} tolerations:2:[core.Toleration]',
  },
};
