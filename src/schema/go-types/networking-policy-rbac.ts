import type { ProtoGroup } from './types.js';

export const networking: ProtoGroup = {
  ns: 'networking',
  kinds: { 'networking.k8s.io/v1': ['Ingress', 'IngressClass', 'NetworkPolicy', 'IPAddress', 'ServiceCIDR'] },
  messages: {
    Ingress: 'metadata:1:meta.ObjectMeta spec:2:IngressSpec status:3:IngressStatus',
    IngressSpec: 'ingressClassName:4:s* defaultBackend:1:IngressBackend* tls:2:[IngressTLS] rules:3:[IngressRule]',
    IngressStatus: 'loadBalancer:1:IngressLoadBalancerStatus',
    IngressBackend: 'service:4:IngressServiceBackend* resource:3:core.TypedLocalObjectReference*',
    IngressTLS: 'hosts:1:[s] secretName:2:s',
    IngressRule: 'host:1:s ingressRuleValue:2:IngressRuleValue^',
    IngressLoadBalancerStatus: 'ingress:1:[IngressLoadBalancerIngress]',
    IngressServiceBackend: 'name:1:s! port:2:ServiceBackendPort',
    IngressRuleValue: 'http:1:HTTPIngressRuleValue*',
    IngressLoadBalancerIngress: 'ip:1:s hostname:2:s ports:4:[IngressPortStatus]',
    ServiceBackendPort: 'name:1:s number:2:i',
    HTTPIngressRuleValue: 'paths:1:[HTTPIngressPath]!',
    IngressPortStatus: 'port:1:i! protocol:2:s! error:3:s*',
    HTTPIngressPath: 'path:1:s pathType:3:s*! backend:2:IngressBackend',
    IngressClass: 'metadata:1:meta.ObjectMeta spec:2:IngressClassSpec',
    NetworkPolicy: 'metadata:1:meta.ObjectMeta spec:2:NetworkPolicySpec',
    IPAddress: 'metadata:1:meta.ObjectMeta spec:2:IPAddressSpec',
    ServiceCIDR: 'metadata:1:meta.ObjectMeta spec:2:ServiceCIDRSpec status:3:ServiceCIDRStatus',
    IngressClassSpec: 'controller:1:s parameters:2:IngressClassParametersReference*',
    NetworkPolicySpec: `podSelector:1:meta.LabelSelector ingress:2:[NetworkPolicyIngressRule]
      egress:3:[NetworkPolicyEgressRule] policyTypes:4:[s]`,
    IPAddressSpec: 'parentRef:1:ParentReference*',
    ServiceCIDRSpec: 'cidrs:1:[s]',
    ServiceCIDRStatus: 'conditions:1:[meta.Condition]',
    IngressClassParametersReference: 'apiGroup:1:s* kind:2:s! name:3:s! scope:4:s*! namespace:5:s*',
    NetworkPolicyIngressRule: 'ports:1:[NetworkPolicyPort] from:2:[NetworkPolicyPeer]',
    NetworkPolicyEgressRule: 'ports:1:[NetworkPolicyPort] to:2:[NetworkPolicyPeer]',
    ParentReference: 'group:1:s resource:2:s namespace:3:s name:4:s',
    NetworkPolicyPort: 'protocol:1:s* port:2:intstr.IntOrString* endPort:3:i*',
    NetworkPolicyPeer: 'podSelector:1:meta.LabelSelector* namespaceSelector:2:meta.LabelSelector* ipBlock:3:IPBlock*',
    IPBlock: 'cidr:1:s! except:2:[s]',
  },
};

export const policy: ProtoGroup = {
  ns: 'policy',
  kinds: { 'policy/v1': ['PodDisruptionBudget', 'Eviction'], 'policy/v1beta1': ['Eviction'] },
  messages: {
    PodDisruptionBudget: 'metadata:1:meta.ObjectMeta spec:2:PodDisruptionBudgetSpec status:3:PodDisruptionBudgetStatus',
    Eviction: 'metadata:1:meta.ObjectMeta deleteOptions:2:meta.DeleteOptions*',
    PodDisruptionBudgetSpec: `minAvailable:1:intstr.IntOrString* selector:2:meta.LabelSelector* maxUnavailable:3:intstr.IntOrString*
      unhealthyPodEvictionPolicy:4:s*`,
    PodDisruptionBudgetStatus: `observedGeneration:1:l disruptedPods:2:{meta.Time} disruptionsAllowed:3:i! currentHealthy:4:i!
      desiredHealthy:5:i! expectedPods:6:i! conditions:7:[meta.Condition]`,
  },
};

export const scheduling: ProtoGroup = {
  ns: 'scheduling',
  kinds: { 'scheduling.k8s.io/v1': ['PriorityClass'] },
  messages: {
    PriorityClass: 'metadata:1:meta.ObjectMeta value:2:i! globalDefault:3:b description:4:s preemptionPolicy:5:s*',
  },
};

export const rbac: ProtoGroup = {
  ns: 'rbac',
  kinds: { 'rbac.authorization.k8s.io/v1': ['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding'] },
  messages: {
    Role: 'metadata:1:meta.ObjectMeta rules:2:[PolicyRule]!',
    ClusterRole: 'metadata:1:meta.ObjectMeta rules:2:[PolicyRule]! aggregationRule:3:AggregationRule*',
    RoleBinding: 'metadata:1:meta.ObjectMeta subjects:2:[Subject] roleRef:3:RoleRef',
    ClusterRoleBinding: 'metadata:1:meta.ObjectMeta subjects:2:[Subject] roleRef:3:RoleRef',
    PolicyRule: 'verbs:1:[s]! apiGroups:2:[s] resources:3:[s] resourceNames:4:[s] nonResourceURLs:5:[s]',
    AggregationRule: 'clusterRoleSelectors:1:[meta.LabelSelector]',
    Subject: 'kind:1:s! apiGroup:2:s name:3:s! namespace:4:s',
    RoleRef: 'apiGroup:1:s! kind:2:s! name:3:s!',
  },
};
