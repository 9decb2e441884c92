import type { ProtoGroup } from './types.js';

export const admissionregistration: ProtoGroup = {
  ns: 'admissionregistration',
  kinds: { 'admissionregistration.k8s.io/v1': ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding'] },
  messages: {
    MutatingWebhookConfiguration: 'metadata:1:meta.ObjectMeta webhooks:2:[MutatingWebhook]',
    ValidatingWebhookConfiguration: 'metadata:1:meta.ObjectMeta webhooks:2:[ValidatingWebhook]',
    ValidatingAdmissionPolicy: `metadata:1:meta.ObjectMeta spec:2:ValidatingAdmissionPolicySpec
      status:3:ValidatingAdmissionPolicyStatus`,
    ValidatingAdmissionPolicyBinding: 'metadata:1:meta.ObjectMeta spec:2:ValidatingAdmissionPolicyBindingSpec',
    MutatingWebhook: `name:1:s! clientConfig:2:WebhookClientConfig rules:3:[RuleWithOperations] failurePolicy:4:s*
      matchPolicy:9:s* namespaceSelector:5:meta.LabelSelector* objectSelector:11:meta.LabelSelector* sideEffects:6:s*!
      timeoutSeconds:7:i* admissionReviewVersions:8:[s]! reinvocationPolicy:10:s* matchConditions:12:[MatchCondition]`,
    ValidatingWebhook: `name:1:s! clientConfig:2:WebhookClientConfig rules:3:[RuleWithOperations] failurePolicy:4:s*
      matchPolicy:9:s* namespaceSelector:5:meta.LabelSelector* objectSelector:10:meta.LabelSelector* sideEffects:6:s*!
      timeoutSeconds:7:i* admissionReviewVersions:8:[s]! matchConditions:11:[MatchCondition]`,
    ValidatingAdmissionPolicySpec: `paramKind:1:ParamKind* matchConstraints:2:MatchResources* validations:3:[Validation]
      failurePolicy:4:s* auditAnnotations:5:[AuditAnnotation] matchConditions:6:[MatchCondition] variables:7:[Variable]`,
    ValidatingAdmissionPolicyStatus: 'observedGeneration:1:l typeChecking:2:TypeChecking* conditions:3:[meta.Condition]',
    ValidatingAdmissionPolicyBindingSpec: `policyName:1:s paramRef:2:ParamRef* matchResources:3:MatchResources*
      validationActions:4:[s]`,
    WebhookClientConfig: 'url:3:s* service:1:ServiceReference* caBundle:2:y',
    RuleWithOperations: 'operations:1:[s] rule:2:Rule^',
    MatchCondition: 'name:1:s! expression:2:s!',
    ParamKind: 'apiVersion:1:s kind:2:s',
    MatchResources: `namespaceSelector:1:meta.LabelSelector* objectSelector:2:meta.LabelSelector*
      resourceRules:3:[NamedRuleWithOperations] excludeResourceRules:4:[NamedRuleWithOperations] matchPolicy:7:s*`,
    Validation: 'expression:1:s! message:2:s reason:3:s* messageExpression:4:s',
    AuditAnnotation: 'key:1:s! valueExpression:2:s!',
    Variable: 'name:1:s! expression:2:s!',
    TypeChecking: 'expressionWarnings:1:[ExpressionWarning]',
    ParamRef: 'name:1:s namespace:2:s selector:3:meta.LabelSelector* parameterNotFoundAction:4:s*',
    ServiceReference: 'namespace:1:s! name:2:s! path:3:s* port:4:i*',
    Rule: 'apiGroups:1:[s] apiVersions:2:[s] resources:3:[s] scope:4:s*',
    NamedRuleWithOperations: 'resourceNames:1:[s] ruleWithOperations:2:RuleWithOperations^',
    ExpressionWarning: 'fieldRef:2:s! warning:3:s!',
  },
};
