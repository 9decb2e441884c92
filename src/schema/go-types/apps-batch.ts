import type { ProtoGroup } from './types.js';

export const apps: ProtoGroup = {
  ns: 'apps',
  kinds: { 'apps/v1': ['ControllerRevision', 'DaemonSet', 'Deployment', 'ReplicaSet', 'StatefulSet'] },
  messages: {
    Deployment: 'metadata:1:meta.ObjectMeta spec:2:DeploymentSpec status:3:DeploymentStatus',
    DeploymentSpec: `replicas:1:i* selector:2:meta.LabelSelector*! template:3:core.PodTemplateSpec strategy:4:DeploymentStrategy
      minReadySeconds:5:i revisionHistoryLimit:6:i* paused:7:b progressDeadlineSeconds:9:i*`,
    DeploymentStatus: `observedGeneration:1:l replicas:2:i updatedReplicas:3:i readyReplicas:7:i availableReplicas:4:i
      unavailableReplicas:5:i terminatingReplicas:9:i* conditions:6:[DeploymentCondition] collisionCount:8:i*`,
    DeploymentStrategy: 'type:1:s rollingUpdate:2:RollingUpdateDeployment*',
    DeploymentCondition: 'type:1:s! status:2:s! lastUpdateTime:6:meta.Time lastTransitionTime:7:meta.Time reason:4:s message:5:s',
    RollingUpdateDeployment: 'maxUnavailable:1:intstr.IntOrString* maxSurge:2:intstr.IntOrString*',
    ControllerRevision: 'metadata:1:meta.ObjectMeta data:2:runtime.RawExtension revision:3:l!',
    DaemonSet: 'metadata:1:meta.ObjectMeta spec:2:DaemonSetSpec status:3:DaemonSetStatus',
    ReplicaSet: 'metadata:1:meta.ObjectMeta spec:2:ReplicaSetSpec status:3:ReplicaSetStatus',
    StatefulSet: 'metadata:1:meta.ObjectMeta spec:2:StatefulSetSpec status:3:StatefulSetStatus',
    DaemonSetSpec: `selector:1:meta.LabelSelector*! template:2:core.PodTemplateSpec updateStrategy:3:DaemonSetUpdateStrategy
      minReadySeconds:4:i revisionHistoryLimit:6:i*`,
    DaemonSetStatus: `currentNumberScheduled:1:i! numberMisscheduled:2:i! desiredNumberScheduled:3:i! numberReady:4:i!
      observedGeneration:5:l updatedNumberScheduled:6:i numberAvailable:7:i numberUnavailable:8:i collisionCount:9:i*
      conditions:10:[DaemonSetCondition]`,
    ReplicaSetSpec: 'replicas:1:i* minReadySeconds:4:i selector:2:meta.LabelSelector*! template:3:core.PodTemplateSpec',
    ReplicaSetStatus: `replicas:1:i! fullyLabeledReplicas:2:i readyReplicas:4:i availableReplicas:5:i
      terminatingReplicas:7:i* observedGeneration:3:l conditions:6:[ReplicaSetCondition]`,
    StatefulSetSpec: `replicas:1:i* selector:2:meta.LabelSelector*! template:3:core.PodTemplateSpec
      volumeClaimTemplates:4:[core.PersistentVolumeClaim] serviceName:5:s! podManagementPolicy:6:s
      updateStrategy:7:StatefulSetUpdateStrategy revisionHistoryLimit:8:i* minReadySeconds:9:i
      persistentVolumeClaimRetentionPolicy:10:StatefulSetPersistentVolumeClaimRetentionPolicy*
      ordinals:11:StatefulSetOrdinals*`,
    StatefulSetStatus: `observedGeneration:1:l replicas:2:i! readyReplicas:3:i currentReplicas:4:i updatedReplicas:5:i
      currentRevision:6:s updateRevision:7:s collisionCount:9:i* conditions:10:[StatefulSetCondition]
      availableReplicas:11:i!`,
    DaemonSetUpdateStrategy: 'type:1:s rollingUpdate:2:RollingUpdateDaemonSet*',
    DaemonSetCondition: 'type:1:s! status:2:s! lastTransitionTime:3:meta.Time reason:4:s message:5:s',
    ReplicaSetCondition: 'type:1:s! status:2:s! lastTransitionTime:3:meta.Time reason:4:s message:5:s',
    StatefulSetUpdateStrategy: 'type:1:s rollingUpdate:2:RollingUpdateStatefulSetStrategy*',
    StatefulSetPersistentVolumeClaimRetentionPolicy: 'whenDeleted:1:s whenScaled:2:s',
    StatefulSetOrdinals: 'start:1:i!',
    StatefulSetCondition: 'type:1:s! status:2:s! lastTransitionTime:3:meta.Time reason:4:s message:5:s',
    RollingUpdateDaemonSet: 'maxUnavailable:1:intstr.IntOrString* maxSurge:2:intstr.IntOrString*',
    RollingUpdateStatefulSetStrategy: 'partition:1:i* maxUnavailable:2:intstr.IntOrString*',
  },
};

export const batch: ProtoGroup = {
  ns: 'batch',
  kinds: { 'batch/v1': ['Job', 'CronJob'] },
  messages: {
    Job: 'metadata:1:meta.ObjectMeta spec:2:JobSpec status:3:JobStatus',
    CronJob: 'metadata:1:meta.ObjectMeta spec:2:CronJobSpec status:3:CronJobStatus',
    JobSpec: `parallelism:1:i* completions:2:i* activeDeadlineSeconds:3:l* podFailurePolicy:11:PodFailurePolicy*
      successPolicy:16:SuccessPolicy* backoffLimit:7:i* backoffLimitPerIndex:12:i* maxFailedIndexes:13:i*
      selector:4:meta.LabelSelector* manualSelector:5:b* template:6:core.PodTemplateSpec
      ttlSecondsAfterFinished:8:i* completionMode:9:s* suspend:10:b* podReplacementPolicy:14:s* managedBy:15:s*`,
    JobStatus: `conditions:1:[JobCondition] startTime:2:meta.Time* completionTime:3:meta.Time* active:4:i succeeded:5:i
      failed:6:i terminating:11:i* completedIndexes:7:s failedIndexes:10:s*
      uncountedTerminatedPods:8:UncountedTerminatedPods* ready:9:i*`,
    CronJobSpec: `schedule:1:s! timeZone:8:s* startingDeadlineSeconds:2:l* concurrencyPolicy:3:s suspend:4:b*
      jobTemplate:5:JobTemplateSpec successfulJobsHistoryLimit:6:i* failedJobsHistoryLimit:7:i*`,
    CronJobStatus: 'active:1:[core.ObjectReference] lastScheduleTime:4:meta.Time* lastSuccessfulTime:5:meta.Time*',
    PodFailurePolicy: 'rules:1:[PodFailurePolicyRule]!',
    SuccessPolicy: 'rules:1:[SuccessPolicyRule]!',
    JobCondition: 'type:1:s! status:2:s! lastProbeTime:3:meta.Time lastTransitionTime:4:meta.Time reason:5:s message:6:s',
    UncountedTerminatedPods: 'succeeded:1:[s] failed:2:[s]',
    JobTemplateSpec: 'metadata:1:meta.ObjectMeta spec:2:JobSpec',
    PodFailurePolicyRule: `action:1:s! onExitCodes:2:PodFailurePolicyOnExitCodesRequirement*
      onPodConditions:3:[PodFailurePolicyOnPodConditionsPattern]`,
    SuccessPolicyRule: 'succeededIndexes:1:s* succeededCount:2:i*',
    PodFailurePolicyOnExitCodesRequirement: 'containerName:1:s* operator:2:s! values:3:[i]!',
    PodFailurePolicyOnPodConditionsPattern: 'type:1:s! status:2:s!',
  },
};
