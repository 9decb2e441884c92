import type { ProtoGroup } from './types.js';

export const coordination: ProtoGroup = {
  ns: 'coordination',
  kinds: { 'coordination.k8s.io/v1': ['Lease'] },
  messages: {
    Lease: 'metadata:1:meta.ObjectMeta spec:2:LeaseSpec',
    LeaseSpec: `holderIdentity:1:s* leaseDurationSeconds:2:i* acquireTime:3:meta.MicroTime* renewTime:4:meta.MicroTime*
      leaseTransitions:5:i* strategy:6:s* preferredHolder:7:s*`,
  },
};

export const discovery: ProtoGroup = {
  ns: 'discovery',
  kinds: { 'discovery.k8s.io/v1': ['EndpointSlice'] },
  messages: {
    EndpointSlice: 'metadata:1:meta.ObjectMeta addressType:4:s! endpoints:2:[Endpoint]! ports:3:[EndpointPort]!',
    Endpoint: `addresses:1:[s]! conditions:2:EndpointConditions hostname:3:s* targetRef:4:core.ObjectReference*
      deprecatedTopology:5:{s} nodeName:6:s* zone:7:s* hints:8:EndpointHints*`,
    EndpointPort: 'name:1:s* protocol:2:s* port:3:i* appProtocol:4:s*',
    EndpointConditions: 'ready:1:b* serving:2:b* terminating:3:b*',
    EndpointHints: 'forZones:1:[ForZone] forNodes:2:[ForNode]',
    ForZone: 'name:1:s!',
    ForNode: 'name:1:s!',
  },
};

export const events: ProtoGroup = {
  ns: 'events',
  kinds: { 'events.k8s.io/v1': ['Event'] },
  messages: {
    Event: `metadata:1:meta.ObjectMeta eventTime:2:meta.MicroTime series:3:EventSeries* reportingController:4:s
      reportingInstance:5:s action:6:s reason:7:s regarding:8:core.ObjectReference related:9:core.ObjectReference* note:10:s
      type:11:s deprecatedSource:12:core.EventSource deprecatedFirstTimestamp:13:meta.Time
      deprecatedLastTimestamp:14:meta.Time deprecatedCount:15:i`,
    EventSeries: 'count:1:i! lastObservedTime:2:meta.MicroTime',
  },
};

export const flowcontrol: ProtoGroup = {
  ns: 'flowcontrol',
  kinds: { 'flowcontrol.apiserver.k8s.io/v1': ['FlowSchema', 'PriorityLevelConfiguration'] },
  messages: {
    FlowSchema: 'metadata:1:meta.ObjectMeta spec:2:FlowSchemaSpec status:3:FlowSchemaStatus',
    PriorityLevelConfiguration: `metadata:1:meta.ObjectMeta spec:2:PriorityLevelConfigurationSpec
      status:3:PriorityLevelConfigurationStatus`,
    FlowSchemaSpec: `priorityLevelConfiguration:1:PriorityLevelConfigurationReference matchingPrecedence:2:i!
      distinguisherMethod:3:FlowDistinguisherMethod* rules:4:[PolicyRulesWithSubjects]`,
    FlowSchemaStatus: 'conditions:1:[FlowSchemaCondition]',
    PriorityLevelConfigurationSpec: `type:1:s! limited:2:LimitedPriorityLevelConfiguration*
      exempt:3:ExemptPriorityLevelConfiguration*`,
    PriorityLevelConfigurationStatus: 'conditions:1:[PriorityLevelConfigurationCondition]',
    PriorityLevelConfigurationReference: 'name:1:s!',
    FlowDistinguisherMethod: 'type:1:s!',
    PolicyRulesWithSubjects: `subjects:1:[Subject]! resourceRules:2:[ResourcePolicyRule]
      nonResourceRules:3:[NonResourcePolicyRule]`,
    FlowSchemaCondition: 'type:1:s status:2:s lastTransitionTime:3:meta.Time reason:4:s message:5:s',
    LimitedPriorityLevelConfiguration: `nominalConcurrencyShares:1:i*! limitResponse:2:LimitResponse lendablePercent:3:i*
      borrowingLimitPercent:4:i*`,
    ExemptPriorityLevelConfiguration: 'nominalConcurrencyShares:1:i* lendablePercent:2:i*',
    PriorityLevelConfigurationCondition: 'type:1:s status:2:s lastTransitionTime:3:meta.Time reason:4:s message:5:s',
    Subject: 'kind:1:s! user:2:UserSubject* group:3:GroupSubject* serviceAccount:4:ServiceAccountSubject*',
    ResourcePolicyRule: 'verbs:1:[s]! apiGroups:2:[s]! resources:3:[s]! clusterScope:4:b namespaces:5:[s]!',
    NonResourcePolicyRule: 'verbs:1:[s]! nonResourceURLs:6:[s]!',
    LimitResponse: 'type:1:s! queuing:2:QueuingConfiguration*',
    UserSubject: 'name:1:s!',
    GroupSubject: 'name:1:s!',
    ServiceAccountSubject: 'namespace:1:s! name:2:s!',
    QueuingConfiguration: 'queues:1:i! handSize:2:i! queueLengthLimit:3:i!',
  },
};
