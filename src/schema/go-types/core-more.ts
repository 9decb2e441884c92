import type { ProtoGroup } from './types.js';

export const coreMore: ProtoGroup = {
  ns: 'core',
  kinds: { v1: ['Binding', 'Endpoints', 'Event', 'LimitRange', 'PersistentVolume', 'PersistentVolumeClaim', 'PodTemplate', 'ReplicationController'] },
  messages: {
    Binding: 'metadata:1:meta.ObjectMeta target:2:ObjectReference',
    Endpoints: 'metadata:1:meta.ObjectMeta subsets:2:[EndpointSubset]',
    Event: `metadata:1:meta.ObjectMeta involvedObject:2:ObjectReference reason:3:s message:4:s source:5:EventSource
      firstTimestamp:6:meta.Time lastTimestamp:7:meta.Time count:8:i type:9:s eventTime:10:meta.MicroTime
      series:11:EventSeries* action:12:s related:13:ObjectReference* reportingComponent:14:s! reportingInstance:15:s!`,
    LimitRange: 'metadata:1:meta.ObjectMeta spec:2:LimitRangeSpec',
    PersistentVolume: 'metadata:1:meta.ObjectMeta spec:2:PersistentVolumeSpec status:3:PersistentVolumeStatus',
    PersistentVolumeClaim: 'metadata:1:meta.ObjectMeta spec:2:PersistentVolumeClaimSpec status:3:PersistentVolumeClaimStatus',
    PodTemplate: 'metadata:1:meta.ObjectMeta template:2:PodTemplateSpec',
    ReplicationController: 'metadata:1:meta.ObjectMeta spec:2:ReplicationControllerSpec status:3:ReplicationControllerStatus',
    EndpointSubset: 'addresses:1:[EndpointAddress] notReadyAddresses:2:[EndpointAddress] ports:3:[EndpointPort]',
    EventSource: 'component:1:s host:2:s',
    EventSeries: 'count:1:i lastObservedTime:2:meta.MicroTime',
    LimitRangeSpec: 'limits:1:[LimitRangeItem]!',
    PersistentVolumeSpec: `capacity:1:{resource.Quantity} persistentVolumeSource:2:PersistentVolumeSource^ accessModes:3:[s]
      claimRef:4:ObjectReference* persistentVolumeReclaimPolicy:5:s storageClassName:6:s mountOptions:7:[s] volumeMode:8:s*
      nodeAffinity:9:VolumeNodeAffinity* volumeAttributesClassName:10:s*`,
    PersistentVolumeStatus: 'phase:1:s message:2:s reason:3:s lastPhaseTransitionTime:4:meta.Time*',
    PersistentVolumeClaimStatus: `phase:1:s accessModes:2:[s] capacity:3:{resource.Quantity}
      conditions:4:[PersistentVolumeClaimCondition] allocatedResources:5:{resource.Quantity} allocatedResourceStatuses:7:{s}
      currentVolumeAttributesClassName:8:s* modifyVolumeStatus:9:ModifyVolumeStatus*`,
    ReplicationControllerSpec: 'replicas:1:i* minReadySeconds:4:i selector:2:{s} template:3:PodTemplateSpec*',
    ReplicationControllerStatus: `replicas:1:i! fullyLabeledReplicas:2:i readyReplicas:4:i availableReplicas:5:i
      observedGeneration:3:l conditions:6:[ReplicationControllerCondition]`,
    TopologySelectorTerm: 'matchLabelExpressions:1:[TopologySelectorLabelRequirement]',
    EndpointAddress: 'ip:1:s! hostname:3:s nodeName:4:s* targetRef:2:ObjectReference*',
    EndpointPort: 'name:1:s port:2:i! protocol:3:s appProtocol:4:s*',
    LimitRangeItem: `type:1:s! max:2:{resource.Quantity} min:3:{resource.Quantity} default:4:{resource.Quantity}
      defaultRequest:5:{resource.Quantity} maxLimitRequestRatio:6:{resource.Quantity}`,
    PersistentVolumeSource: `gcePersistentDisk:1:GCEPersistentDiskVolumeSource*
      awsElasticBlockStore:2:AWSElasticBlockStoreVolumeSource* hostPath:3:HostPathVolumeSource*
      glusterfs:4:GlusterfsPersistentVolumeSource* nfs:5:NFSVolumeSource* rbd:6:RBDPersistentVolumeSource*
      iscsi:7:ISCSIPersistentVolumeSource* cinder:8:CinderPersistentVolumeSource* cephfs:9:CephFSPersistentVolumeSource*
      fc:10:FCVolumeSource* flocker:11:FlockerVolumeSource* flexVolume:12:FlexPersistentVolumeSource*
      azureFile:13:AzureFilePersistentVolumeSource* vsphereVolume:14:VsphereVirtualDiskVolumeSource*
      quobyte:15:QuobyteVolumeSource* azureDisk:16:AzureDiskVolumeSource*
      photonPersistentDisk:17:PhotonPersistentDiskVolumeSource* portworxVolume:18:PortworxVolumeSource*
      scaleIO:19:ScaleIOPersistentVolumeSource* local:20:LocalVolumeSource* storageos:21:StorageOSPersistentVolumeSource*
      csi:22:CSIPersistentVolumeSource*`,
    VolumeNodeAffinity: 'required:1:NodeSelector*',
    PersistentVolumeClaimCondition: `type:1:s! status:2:s! lastProbeTime:3:meta.Time lastTransitionTime:4:meta.Time
      reason:5:s message:6:s`,
    ModifyVolumeStatus: 'targetVolumeAttributesClassName:1:s status:2:s!',
    ReplicationControllerCondition: 'type:1:s! status:2:s! lastTransitionTime:3:meta.Time reason:4:s message:5:s',
    TopologySelectorLabelRequirement: 'key:1:s! values:2:[s]!',
    GlusterfsPersistentVolumeSource: 'endpoints:1:s! path:2:s! readOnly:3:b endpointsNamespace:4:s*',
    RBDPersistentVolumeSource: `monitors:1:[s]! image:2:s! fsType:3:s pool:4:s user:5:s keyring:6:s
      secretRef:7:SecretReference* readOnly:8:b`,
    ISCSIPersistentVolumeSource: `targetPortal:1:s! iqn:2:s! lun:3:i! iscsiInterface:4:s fsType:5:s readOnly:6:b
      portals:7:[s] chapAuthDiscovery:8:b chapAuthSession:11:b secretRef:10:SecretReference* initiatorName:12:s*`,
    CinderPersistentVolumeSource: 'volumeID:1:s! fsType:2:s readOnly:3:b secretRef:4:SecretReference*',
    CephFSPersistentVolumeSource: 'monitors:1:[s]! path:2:s user:3:s secretFile:4:s secretRef:5:SecretReference* readOnly:6:b',
    FlexPersistentVolumeSource: 'driver:1:s! fsType:2:s secretRef:3:SecretReference* readOnly:4:b options:5:{s}',
    AzureFilePersistentVolumeSource: 'secretName:1:s! shareName:2:s! readOnly:3:b secretNamespace:4:s*!',
    ScaleIOPersistentVolumeSource: `gateway:1:s! system:2:s! secretRef:3:SecretReference*! sslEnabled:4:b
      protectionDomain:5:s storagePool:6:s storageMode:7:s volumeName:8:s fsType:9:s readOnly:10:b`,
    LocalVolumeSource: 'path:1:s! fsType:2:s*',
    StorageOSPersistentVolumeSource: 'volumeName:1:s volumeNamespace:2:s fsType:3:s readOnly:4:b secretRef:5:ObjectReference*',
    CSIPersistentVolumeSource: `driver:1:s! volumeHandle:2:s! readOnly:3:b fsType:4:s volumeAttributes:5:{s}
      controllerPublishSecretRef:6:SecretReference* nodeStageSecretRef:7:SecretReference*
      nodePublishSecretRef:8:SecretReference* controllerExpandSecretRef:9:SecretReference*
      nodeExpandSecretRef:10:SecretReference*`,
    SecretReference: 'name:1:s namespace:2:s',
  },
};
