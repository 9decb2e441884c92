import type { ProtoGroup } from './types.js';

export const autoscaling: ProtoGroup = {
  ns: 'autoscaling',
  kinds: { 'autoscaling/v1': ['HorizontalPodAutoscaler', 'Scale'] },
  messages: {
    HorizontalPodAutoscaler: 'metadata:1:meta.ObjectMeta spec:2:HorizontalPodAutoscalerSpec status:3:HorizontalPodAutoscalerStatus',
    HorizontalPodAutoscalerSpec: `scaleTargetRef:1:CrossVersionObjectReference minReplicas:2:i* maxReplicas:3:i!
      targetCPUUtilizationPercentage:4:i*`,
    HorizontalPodAutoscalerStatus: `observedGeneration:1:l* lastScaleTime:2:meta.Time* currentReplicas:3:i! desiredReplicas:4:i!
      currentCPUUtilizationPercentage:5:i*`,
    CrossVersionObjectReference: 'kind:1:s! name:2:s! apiVersion:3:s',
    Scale: 'metadata:1:meta.ObjectMeta spec:2:ScaleSpec status:3:ScaleStatus',
    ScaleSpec: 'replicas:1:i',
    ScaleStatus: 'replicas:1:i! selector:2:s',
  },
};

export const autoscaling2: ProtoGroup = {
  ns: 'autoscaling2',
  kinds: { 'autoscaling/v2': ['HorizontalPodAutoscaler'] },
  messages: {
    HorizontalPodAutoscaler: 'metadata:1:meta.ObjectMeta spec:2:HorizontalPodAutoscalerSpec status:3:HorizontalPodAutoscalerStatus',
    HorizontalPodAutoscalerSpec: `scaleTargetRef:1:CrossVersionObjectReference minReplicas:2:i* maxReplicas:3:i! metrics:4:[MetricSpec]
      behavior:5:HorizontalPodAutoscalerBehavior*`,
    HorizontalPodAutoscalerStatus: `observedGeneration:1:l* lastScaleTime:2:meta.Time* currentReplicas:3:i desiredReplicas:4:i!
      currentMetrics:5:[MetricStatus]! conditions:6:[HorizontalPodAutoscalerCondition]`,
    CrossVersionObjectReference: 'kind:1:s! name:2:s! apiVersion:3:s',
    MetricSpec: `type:1:s! object:2:ObjectMetricSource* pods:3:PodsMetricSource* resource:4:ResourceMetricSource*
      containerResource:7:ContainerResourceMetricSource* external:5:ExternalMetricSource*`,
    HorizontalPodAutoscalerBehavior: 'scaleUp:1:HPAScalingRules* scaleDown:2:HPAScalingRules*',
    MetricStatus: `type:1:s! object:2:ObjectMetricStatus* pods:3:PodsMetricStatus* resource:4:ResourceMetricStatus*
      containerResource:7:ContainerResourceMetricStatus* external:5:ExternalMetricStatus*`,
    HorizontalPodAutoscalerCondition: 'type:1:s! status:2:s! lastTransitionTime:3:meta.Time reason:4:s message:5:s',
    ObjectMetricSource: 'describedObject:1:CrossVersionObjectReference target:2:MetricTarget metric:3:MetricIdentifier',
    PodsMetricSource: 'metric:1:MetricIdentifier target:2:MetricTarget',
    ResourceMetricSource: 'name:1:s! target:2:MetricTarget',
    ContainerResourceMetricSource: 'name:1:s! target:2:MetricTarget container:3:s!',
    ExternalMetricSource: 'metric:1:MetricIdentifier target:2:MetricTarget',
    HPAScalingRules: 'stabilizationWindowSeconds:3:i* selectPolicy:1:s* policies:2:[HPAScalingPolicy] tolerance:4:resource.Quantity*',
    ObjectMetricStatus: 'metric:1:MetricIdentifier current:2:MetricValueStatus describedObject:3:CrossVersionObjectReference',
    PodsMetricStatus: 'metric:1:MetricIdentifier current:2:MetricValueStatus',
    ResourceMetricStatus: 'name:1:s! current:2:MetricValueStatus',
    ContainerResourceMetricStatus: 'name:1:s! current:2:MetricValueStatus container:3:s!',
    ExternalMetricStatus: 'metric:1:MetricIdentifier current:2:MetricValueStatus',
    MetricTarget: 'type:1:s! value:2:resource.Quantity* averageValue:3:resource.Quantity* averageUtilization:4:i*',
    MetricIdentifier: 'name:1:s! selector:2:meta.LabelSelector*',
    HPAScalingPolicy: 'type:1:s! value:2:i! periodSeconds:3:i!',
    MetricValueStatus: 'value:1:resource.Quantity* averageValue:2:resource.Quantity* averageUtilization:3:i*',
  },
};
