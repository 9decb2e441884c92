import type { ProtoGroup } from './types.js';

export const apiextensions: ProtoGroup = {
  ns: 'apiextensions',
  kinds: { 'apiextensions.k8s.io/v1': ['CustomResourceDefinition'] },
  messages: {
    CustomResourceDefinition: `metadata:1:meta.ObjectMeta spec:2:CustomResourceDefinitionSpec
      status:3:CustomResourceDefinitionStatus`,
    CustomResourceDefinitionSpec: `group:1:s! names:3:CustomResourceDefinitionNames scope:4:s!
      versions:7:[CustomResourceDefinitionVersion]! conversion:9:CustomResourceConversion* preserveUnknownFields:10:b`,
    CustomResourceDefinitionStatus: `conditions:1:[CustomResourceDefinitionCondition]!
      acceptedNames:2:CustomResourceDefinitionNames storedVersions:3:[s]!`,
    CustomResourceDefinitionNames: 'plural:1:s! singular:2:s shortNames:3:[s] kind:4:s! listKind:5:s categories:6:[s]',
    CustomResourceDefinitionVersion: `name:1:s! served:2:b! storage:3:b! deprecated:7:b deprecationWarning:8:s*
      schema:4:CustomResourceValidation* subresources:5:CustomResourceSubresources*
      additionalPrinterColumns:6:[CustomResourceColumnDefinition] selectableFields:9:[SelectableField]`,
    CustomResourceConversion: 'strategy:1:s! webhook:2:WebhookConversion*',
    CustomResourceDefinitionCondition: 'type:1:s! status:2:s! lastTransitionTime:3:meta.Time reason:4:s message:5:s',
    CustomResourceValidation: 'openAPIV3Schema:1:JSONSchemaProps*',
    CustomResourceSubresources: 'status:1:CustomResourceSubresourceStatus* scale:2:CustomResourceSubresourceScale*',
    CustomResourceColumnDefinition: 'name:1:s! type:2:s! format:3:s description:4:s priority:5:i jsonPath:6:s!',
    SelectableField: 'jsonPath:1:s!',
    WebhookConversion: 'clientConfig:2:WebhookClientConfig* conversionReviewVersions:3:[s]!',
    JSONSchemaProps: `id:1:s $schema:2:s $ref:3:s* description:4:s type:5:s format:6:s title:7:s default:8:JSON*
      maximum:9:d* exclusiveMaximum:10:b minimum:11:d* exclusiveMinimum:12:b maxLength:13:l* minLength:14:l* pattern:15:s
      maxItems:16:l* minItems:17:l* uniqueItems:18:b multipleOf:19:d* enum:20:[JSON] maxProperties:21:l* minProperties:22:l*
      required:23:[s] items:24:JSONSchemaPropsOrArray* allOf:25:[JSONSchemaProps] oneOf:26:[JSONSchemaProps]
      anyOf:27:[JSONSchemaProps] not:28:JSONSchemaProps* properties:29:{JSONSchemaProps}
      additionalProperties:30:JSONSchemaPropsOrBool* patternProperties:31:{JSONSchemaProps}
      dependencies:32:{JSONSchemaPropsOrStringArray} additionalItems:33:JSONSchemaPropsOrBool*
      definitions:34:{JSONSchemaProps} externalDocs:35:ExternalDocumentation* example:36:JSON* nullable:37:b
      x-kubernetes-preserve-unknown-fields:38:b* x-kubernetes-embedded-resource:39:b x-kubernetes-int-or-string:40:b
      x-kubernetes-list-map-keys:41:[s] x-kubernetes-list-type:42:s* x-kubernetes-map-type:43:s*
      x-kubernetes-validations:44:[ValidationRule]`,
    // An empty struct upstream: `status: {}` is how a CRD turns the subresource on.
    CustomResourceSubresourceStatus: '',
    CustomResourceSubresourceScale: 'specReplicasPath:1:s! statusReplicasPath:2:s! labelSelectorPath:3:s*',
    WebhookClientConfig: 'url:3:s* service:1:ServiceReference* caBundle:2:y',
    JSON: '@json raw:1:y',
    JSONSchemaPropsOrArray: '@orarray schema:1:JSONSchemaProps*! jSONSchemas:2:[JSONSchemaProps]!',
    JSONSchemaPropsOrBool: '@orbool allows:1:b! schema:2:JSONSchemaProps*!',
    JSONSchemaPropsOrStringArray: '@orstringarray schema:1:JSONSchemaProps*! property:2:[s]!',
    ExternalDocumentation: 'description:1:s url:2:s',
    ValidationRule: 'rule:1:s! message:2:s messageExpression:3:s reason:4:s* fieldPath:5:s optionalOldSelf:6:b*',
    ServiceReference: 'namespace:1:s! name:2:s! path:3:s* port:4:i*',
  },
};

export const apiregistration: ProtoGroup = {
  ns: 'apiregistration',
  kinds: { 'apiregistration.k8s.io/v1': ['APIService'] },
  messages: {
    APIService: 'metadata:1:meta.ObjectMeta spec:2:APIServiceSpec status:3:APIServiceStatus',
    APIServiceSpec: `service:1:ServiceReference* group:2:s version:3:s insecureSkipTLSVerify:4:b caBundle:5:y
      groupPriorityMinimum:7:i! versionPriority:8:i!`,
    APIServiceStatus: 'conditions:1:[APIServiceCondition]',
    ServiceReference: 'namespace:1:s name:2:s port:3:i*',
    APIServiceCondition: 'type:1:s! status:2:s! lastTransitionTime:3:meta.Time reason:4:s message:5:s',
  },
};
