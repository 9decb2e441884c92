import type { ProtoGroup } from './types.js';

export const core: ProtoGroup = {
  ns: 'core',
  kinds: { v1: ['Namespace', 'ConfigMap', 'Secret', 'Service', 'ServiceAccount', 'ResourceQuota', 'Node'] },
  messages: {
    Namespace: 'metadata:1:meta.ObjectMeta spec:2:NamespaceSpec status:3:NamespaceStatus',
    ConfigMap: 'metadata:1:meta.ObjectMeta immutable:4:b* data:2:{s} binaryData:3:{y}',
    Secret: 'metadata:1:meta.ObjectMeta immutable:5:b* data:2:{y} stringData:4:{s} type:3:s',
    Service: 'metadata:1:meta.ObjectMeta spec:2:ServiceSpec status:3:ServiceStatus',
    ServiceAccount: `metadata:1:meta.ObjectMeta secrets:2:[ObjectReference] imagePullSecrets:3:[LocalObjectReference]
      automountServiceAccountToken:4:b*`,
    ResourceQuota: 'metadata:1:meta.ObjectMeta spec:2:ResourceQuotaSpec status:3:ResourceQuotaStatus',
    Node: 'metadata:1:meta.ObjectMeta spec:2:NodeSpec status:3:NodeStatus',
    NamespaceSpec: 'finalizers:1:[s]',
    NamespaceStatus: 'phase:1:s conditions:2:[NamespaceCondition]',
    ServiceSpec: `ports:1:[ServicePort] selector:2:{s} clusterIP:3:s clusterIPs:18:[s] type:4:s externalIPs:5:[s]
      sessionAffinity:7:s loadBalancerIP:8:s loadBalancerSourceRanges:9:[s] externalName:10:s
      externalTrafficPolicy:11:s healthCheckNodePort:12:i publishNotReadyAddresses:13:b
      sessionAffinityConfig:14:SessionAffinityConfig* ipFamilies:19:[s] ipFamilyPolicy:17:s*
      allocateLoadBalancerNodePorts:20:b* loadBalancerClass:21:s* internalTrafficPolicy:22:s*
      trafficDistribution:23:s*`,
    ServiceStatus: 'loadBalancer:1:LoadBalancerStatus conditions:2:[meta.Condition]',
    ObjectReference: 'kind:1:s namespace:2:s name:3:s uid:4:s apiVersion:5:s resourceVersion:6:s fieldPath:7:s',
    LocalObjectReference: 'name:1:s',
    ResourceQuotaSpec: 'hard:1:{resource.Quantity} scopes:2:[s] scopeSelector:3:ScopeSelector*',
    ResourceQuotaStatus: 'hard:1:{resource.Quantity} used:2:{resource.Quantity}',
    NodeSpec: `podCIDR:1:s podCIDRs:7:[s] providerID:3:s unschedulable:4:b taints:5:[Taint] configSource:6:NodeConfigSource*
      externalID:2:s`,
    NodeStatus: `capacity:1:{resource.Quantity} allocatable:2:{resource.Quantity} phase:3:s conditions:4:[NodeCondition]
      addresses:5:[NodeAddress] daemonEndpoints:6:NodeDaemonEndpoints nodeInfo:7:NodeSystemInfo
      images:8:[ContainerImage] volumesInUse:9:[s] volumesAttached:10:[AttachedVolume] config:11:NodeConfigStatus*
      runtimeHandlers:12:[NodeRuntimeHandler] features:13:NodeFeatures*`,
    NamespaceCondition: 'type:1:s! status:2:s! lastTransitionTime:4:meta.Time reason:5:s message:6:s',
    ServicePort: 'name:1:s protocol:2:s appProtocol:6:s* port:3:i! targetPort:4:intstr.IntOrString nodePort:5:i',
    SessionAffinityConfig: 'clientIP:1:ClientIPConfig*',
    LoadBalancerStatus: 'ingress:1:[LoadBalancerIngress]',
    ScopeSelector: 'matchExpressions:1:[ScopedResourceSelectorRequirement]',
    Taint: 'key:1:s! value:2:s effect:3:s! timeAdded:4:meta.Time*',
    NodeConfigSource: 'configMap:2:ConfigMapNodeConfigSource*',
    NodeCondition: 'type:1:s! status:2:s! lastHeartbeatTime:3:meta.Time lastTransitionTime:4:meta.Time reason:5:s message:6:s',
    NodeAddress: 'type:1:s! address:2:s!',
    NodeDaemonEndpoints: 'kubeletEndpoint:1:DaemonEndpoint',
    NodeSystemInfo: `machineID:1:s! systemUUID:2:s! bootID:3:s! kernelVersion:4:s! osImage:5:s! containerRuntimeVersion:6:s!
      kubeletVersion:7:s! kubeProxyVersion:8:s! operatingSystem:9:s! architecture:10:s! swap:11:NodeSwapStatus*`,
    ContainerImage: 'names:1:[s]! sizeBytes:2:l',
    AttachedVolume: 'name:1:s! devicePath:2:s!',
    NodeConfigStatus: 'assigned:1:NodeConfigSource* active:2:NodeConfigSource* lastKnownGood:3:NodeConfigSource* error:4:s',
    NodeRuntimeHandler: 'name:1:s! features:2:NodeRuntimeHandlerFeatures*',
    NodeFeatures: 'supplementalGroupsPolicy:1:b*',
    ClientIPConfig: 'timeoutSeconds:1:i*',
    LoadBalancerIngress: 'ip:1:s hostname:2:s ipMode:3:s* ports:4:[PortStatus]',
    ScopedResourceSelectorRequirement: 'scopeName:1:s! operator:2:s! values:3:[s]',
    NodeAffinity: `requiredDuringSchedulingIgnoredDuringExecution:1:NodeSelector*
      preferredDuringSchedulingIgnoredDuringExecution:2:[PreferredSchedulingTerm]`,
    ConfigMapNodeConfigSource: 'namespace:1:s! name:2:s! uid:3:s resourceVersion:4:s kubeletConfigKey:5:s!',
    // Upstream's JSON name really is capitalised here.
    DaemonEndpoint: 'Port:1:i!',
    NodeSwapStatus: 'capacity:1:l*',
    NodeRuntimeHandlerFeatures: 'recursiveReadOnlyMounts:1:b* userNamespaces:2:b*',
    TypedLocalObjectReference: 'apiGroup:1:s*! kind:2:s! name:3:s!',
    PortStatus: 'port:1:i! protocol:2:s! error:3:s*',
    NodeSelector: 'nodeSelectorTerms:1:[NodeSelectorTerm]!',
    NodeSelectorTerm: 'matchExpressions:1:[NodeSelectorRequirement] matchFields:2:[NodeSelectorRequirement]',
    NodeSelectorRequirement: 'key:1:s! operator:2:s! values:3:[s]',
  },
};
