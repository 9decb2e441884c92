import type { ProtoGroup } from './types.js';

export const corePod: ProtoGroup = {
  ns: 'core',
  kinds: { v1: ['Pod'] },
  messages: {
    Pod: 'metadata:1:meta.ObjectMeta spec:2:PodSpec status:3:PodStatus',
    PodSpec: `volumes:1:[Volume] initContainers:20:[Container] containers:2:[Container]!
      ephemeralContainers:34:[EphemeralContainer] restartPolicy:3:s terminationGracePeriodSeconds:4:l*
      activeDeadlineSeconds:5:l* dnsPolicy:6:s nodeSelector:7:{s} serviceAccountName:8:s serviceAccount:9:s
      automountServiceAccountToken:21:b* nodeName:10:s hostNetwork:11:b hostPID:12:b hostIPC:13:b
      shareProcessNamespace:27:b* securityContext:14:PodSecurityContext* imagePullSecrets:15:[LocalObjectReference]
      hostname:16:s subdomain:17:s affinity:18:Affinity* schedulerName:19:s tolerations:22:[Toleration]
      hostAliases:23:[HostAlias] priorityClassName:24:s priority:25:i* dnsConfig:26:PodDNSConfig*
      readinessGates:28:[PodReadinessGate] runtimeClassName:29:s* enableServiceLinks:30:b* preemptionPolicy:31:s*
      overhead:32:{resource.Quantity} topologySpreadConstraints:33:[TopologySpreadConstraint]
      setHostnameAsFQDN:35:b* os:36:PodOS* hostUsers:37:b* schedulingGates:38:[PodSchedulingGate]
      resourceClaims:39:[PodResourceClaim] resources:40:ResourceRequirements*`,
    PodStatus: `observedGeneration:17:l phase:1:s conditions:2:[PodCondition] message:3:s reason:4:s nominatedNodeName:11:s
      hostIP:5:s hostIPs:16:[HostIP] podIP:6:s podIPs:12:[PodIP] startTime:7:meta.Time*
      initContainerStatuses:10:[ContainerStatus] containerStatuses:8:[ContainerStatus] qosClass:9:s
      ephemeralContainerStatuses:13:[ContainerStatus] resize:14:s resourceClaimStatuses:15:[PodResourceClaimStatus]`,
    Container: `name:1:s! image:2:s command:3:[s] args:4:[s] workingDir:5:s ports:6:[ContainerPort] envFrom:19:[EnvFromSource]
      env:7:[EnvVar] resources:8:ResourceRequirements resizePolicy:23:[ContainerResizePolicy] restartPolicy:24:s*
      volumeMounts:9:[VolumeMount] volumeDevices:21:[VolumeDevice]
      livenessProbe:10:Probe* readinessProbe:11:Probe* startupProbe:22:Probe* lifecycle:12:Lifecycle*
      terminationMessagePath:13:s terminationMessagePolicy:20:s imagePullPolicy:14:s
      securityContext:15:SecurityContext* stdin:16:b stdinOnce:17:b tty:18:b`,
    // EphemeralContainerCommon is upstream's field-for-field copy of Container (same numbers and tags).
    EphemeralContainer: 'common:1:Container^ targetContainerName:2:s',
    PodSecurityContext: `seLinuxOptions:1:SELinuxOptions* windowsOptions:8:WindowsSecurityContextOptions* runAsUser:2:l*
      runAsGroup:6:l* runAsNonRoot:3:b* supplementalGroups:4:[l] supplementalGroupsPolicy:12:s* fsGroup:5:l*
      sysctls:7:[Sysctl] fsGroupChangePolicy:9:s* seccompProfile:10:SeccompProfile*
      appArmorProfile:11:AppArmorProfile* seLinuxChangePolicy:13:s*`,
    Affinity: 'nodeAffinity:1:NodeAffinity* podAffinity:2:PodAffinity* podAntiAffinity:3:PodAntiAffinity*',
    Toleration: 'key:1:s operator:2:s value:3:s effect:4:s tolerationSeconds:5:l*',
    HostAlias: 'ip:1:s! hostnames:2:[s]',
    PodDNSConfig: 'nameservers:1:[s] searches:2:[s] options:3:[PodDNSConfigOption]',
    PodReadinessGate: 'conditionType:1:s!',
    TopologySpreadConstraint: `maxSkew:1:i! topologyKey:2:s! whenUnsatisfiable:3:s! labelSelector:4:meta.LabelSelector* minDomains:5:i*
      nodeAffinityPolicy:6:s* nodeTaintsPolicy:7:s* matchLabelKeys:8:[s]`,
    PodOS: 'name:1:s!',
    PodSchedulingGate: 'name:1:s!',
    PodResourceClaim: 'name:1:s! resourceClaimName:3:s* resourceClaimTemplateName:4:s*',
    ResourceRequirements: 'limits:1:{resource.Quantity} requests:2:{resource.Quantity} claims:3:[ResourceClaim]',
    PodCondition: `type:1:s! observedGeneration:7:l status:2:s! lastProbeTime:3:meta.Time lastTransitionTime:4:meta.Time
      reason:5:s message:6:s`,
    HostIP: 'ip:1:s!',
    PodIP: 'ip:1:s!',
    ContainerStatus: `name:1:s! state:2:ContainerState lastState:3:ContainerState ready:4:b! restartCount:5:i! image:6:s!
      imageID:7:s! containerID:8:s started:9:b* allocatedResources:10:{resource.Quantity}
      resources:11:ResourceRequirements* volumeMounts:12:[VolumeMountStatus] user:13:ContainerUser*
      allocatedResourcesStatus:14:[ResourceStatus] stopSignal:15:s*`,
    PodResourceClaimStatus: 'name:1:s! resourceClaimName:2:s*',
    PodTemplateSpec: 'metadata:1:meta.ObjectMeta spec:2:PodSpec',
    ContainerPort: 'name:1:s hostPort:2:i containerPort:3:i! protocol:4:s hostIP:5:s',
    EnvFromSource: 'prefix:1:s configMapRef:2:ConfigMapEnvSource* secretRef:3:SecretEnvSource*',
    EnvVar: 'name:1:s! value:2:s valueFrom:3:EnvVarSource*',
    ContainerResizePolicy: 'resourceName:1:s! restartPolicy:2:s!',
    VolumeMount: 'name:1:s! readOnly:2:b recursiveReadOnly:7:s* mountPath:3:s! subPath:4:s mountPropagation:5:s* subPathExpr:6:s',
    VolumeDevice: 'name:1:s! devicePath:2:s!',
    Probe: `handler:1:ProbeHandler^ initialDelaySeconds:2:i timeoutSeconds:3:i periodSeconds:4:i successThreshold:5:i
      failureThreshold:6:i terminationGracePeriodSeconds:7:l*`,
    Lifecycle: 'postStart:1:LifecycleHandler* preStop:2:LifecycleHandler* stopSignal:3:s*',
    SecurityContext: `capabilities:1:Capabilities* privileged:2:b* seLinuxOptions:3:SELinuxOptions*
      windowsOptions:10:WindowsSecurityContextOptions* runAsUser:4:l* runAsGroup:8:l* runAsNonRoot:5:b*
      readOnlyRootFilesystem:6:b* allowPrivilegeEscalation:7:b* procMount:9:s* seccompProfile:11:SeccompProfile*
      appArmorProfile:12:AppArmorProfile*`,
    SELinuxOptions: 'user:1:s role:2:s type:3:s level:4:s',
    WindowsSecurityContextOptions: 'gmsaCredentialSpecName:1:s* gmsaCredentialSpec:2:s* runAsUserName:3:s* hostProcess:4:b*',
    Sysctl: 'name:1:s! value:2:s!',
    SeccompProfile: 'type:1:s! localhostProfile:2:s*',
    AppArmorProfile: 'type:1:s! localhostProfile:2:s*',
    PodAffinity: `requiredDuringSchedulingIgnoredDuringExecution:1:[PodAffinityTerm]
      preferredDuringSchedulingIgnoredDuringExecution:2:[WeightedPodAffinityTerm]`,
    PodAntiAffinity: `requiredDuringSchedulingIgnoredDuringExecution:1:[PodAffinityTerm]
      preferredDuringSchedulingIgnoredDuringExecution:2:[WeightedPodAffinityTerm]`,
    PodDNSConfigOption: 'name:1:s value:2:s*',
    ResourceClaim: 'name:1:s! request:2:s',
    ContainerState: 'waiting:1:ContainerStateWaiting* running:2:ContainerStateRunning* terminated:3:ContainerStateTerminated*',
    VolumeMountStatus: 'name:1:s! mountPath:2:s! readOnly:3:b recursiveReadOnly:4:s*',
    ContainerUser: 'linux:1:LinuxContainerUser*',
    ResourceStatus: 'name:1:s! resources:2:[ResourceHealth]',
    ConfigMapEnvSource: 'localObjectReference:1:LocalObjectReference^ optional:2:b*',
    SecretEnvSource: 'localObjectReference:1:LocalObjectReference^ optional:2:b*',
    EnvVarSource: `fieldRef:1:ObjectFieldSelector* resourceFieldRef:2:ResourceFieldSelector*
      configMapKeyRef:3:ConfigMapKeySelector* secretKeyRef:4:SecretKeySelector*`,
    ProbeHandler: 'exec:1:ExecAction* httpGet:2:HTTPGetAction* tcpSocket:3:TCPSocketAction* grpc:4:GRPCAction*',
    LifecycleHandler: 'exec:1:ExecAction* httpGet:2:HTTPGetAction* tcpSocket:3:TCPSocketAction* sleep:4:SleepAction*',
    Capabilities: 'add:1:[s] drop:2:[s]',
    PreferredSchedulingTerm: 'weight:1:i! preference:2:NodeSelectorTerm',
    PodAffinityTerm: `labelSelector:1:meta.LabelSelector* namespaces:2:[s] topologyKey:3:s! namespaceSelector:4:meta.LabelSelector*
      matchLabelKeys:5:[s] mismatchLabelKeys:6:[s]`,
    WeightedPodAffinityTerm: 'weight:1:i! podAffinityTerm:2:PodAffinityTerm',
    ContainerStateWaiting: 'reason:1:s message:2:s',
    ContainerStateRunning: 'startedAt:1:meta.Time',
    ContainerStateTerminated: 'exitCode:1:i! signal:2:i reason:3:s message:4:s startedAt:5:meta.Time finishedAt:6:meta.Time containerID:7:s',
    LinuxContainerUser: 'uid:1:l! gid:2:l! supplementalGroups:3:[l]',
    ResourceHealth: 'resourceID:1:s! health:2:s',
    ConfigMapKeySelector: 'localObjectReference:1:LocalObjectReference^ key:2:s! optional:3:b*',
    SecretKeySelector: 'localObjectReference:1:LocalObjectReference^ key:2:s! optional:3:b*',
    ExecAction: 'command:1:[s]',
    HTTPGetAction: 'path:1:s port:2:intstr.IntOrString host:3:s scheme:4:s httpHeaders:5:[HTTPHeader]',
    TCPSocketAction: 'port:1:intstr.IntOrString host:2:s',
    GRPCAction: 'port:1:i! service:2:s*!',
    SleepAction: 'seconds:1:l!',
    HTTPHeader: 'name:1:s! value:2:s!',
  },
};
