import type { ProtoGroup } from './types.js';

export const authorization: ProtoGroup = {
  ns: 'authorization',
  kinds: {
    'authorization.k8s.io/v1': ['SubjectAccessReview', 'LocalSubjectAccessReview', 'SelfSubjectAccessReview', 'SelfSubjectRulesReview'],
  },
  messages: {
    SelfSubjectAccessReview: 'metadata:1:meta.ObjectMeta spec:2:SelfSubjectAccessReviewSpec status:3:SubjectAccessReviewStatus',
    SelfSubjectRulesReview: 'metadata:1:meta.ObjectMeta spec:2:SelfSubjectRulesReviewSpec status:3:SubjectRulesReviewStatus',
    SelfSubjectAccessReviewSpec: 'resourceAttributes:1:ResourceAttributes* nonResourceAttributes:2:NonResourceAttributes*',
    SubjectAccessReviewStatus: 'allowed:1:b! denied:4:b reason:2:s evaluationError:3:s',
    SelfSubjectRulesReviewSpec: 'namespace:1:s',
    SubjectRulesReviewStatus: 'resourceRules:1:[ResourceRule]! nonResourceRules:2:[NonResourceRule]! incomplete:3:b! evaluationError:4:s',
    ResourceAttributes: `namespace:1:s verb:2:s group:3:s version:4:s resource:5:s subresource:6:s name:7:s
      fieldSelector:8:FieldSelectorAttributes* labelSelector:9:LabelSelectorAttributes*`,
    NonResourceAttributes: 'path:1:s verb:2:s',
    ResourceRule: 'verbs:1:[s]! apiGroups:2:[s] resources:3:[s] resourceNames:4:[s]',
    NonResourceRule: 'verbs:1:[s]! nonResourceURLs:2:[s]',
    FieldSelectorAttributes: 'rawSelector:1:s requirements:2:[meta.FieldSelectorRequirement]',
    LabelSelectorAttributes: 'rawSelector:1:s requirements:2:[meta.LabelSelectorRequirement]',
    SubjectAccessReview: 'metadata:1:meta.ObjectMeta spec:2:SubjectAccessReviewSpec status:3:SubjectAccessReviewStatus',
    LocalSubjectAccessReview: 'metadata:1:meta.ObjectMeta spec:2:SubjectAccessReviewSpec status:3:SubjectAccessReviewStatus',
    SubjectAccessReviewSpec: `resourceAttributes:1:ResourceAttributes* nonResourceAttributes:2:NonResourceAttributes*
      user:3:s groups:4:[s] extra:5:{ExtraValue} uid:6:s`,
    ExtraValue: '@list items:1:[s]',
  },
};

export const authentication: ProtoGroup = {
  ns: 'authentication',
  kinds: {
    'authentication.k8s.io/v1': ['TokenReview', 'TokenRequest', 'SelfSubjectReview'],
    'authentication.k8s.io/v1beta1': ['SelfSubjectReview'],
    'authentication.k8s.io/v1alpha1': ['SelfSubjectReview'],
  },
  messages: {
    TokenRequest: 'metadata:1:meta.ObjectMeta spec:2:TokenRequestSpec status:3:TokenRequestStatus',
    SelfSubjectReview: 'metadata:1:meta.ObjectMeta status:2:SelfSubjectReviewStatus',
    TokenRequestSpec: 'audiences:1:[s]! expirationSeconds:4:l*! boundObjectRef:3:BoundObjectReference*!',
    TokenRequestStatus: 'token:1:s! expirationTimestamp:2:meta.Time',
    SelfSubjectReviewStatus: 'userInfo:1:UserInfo',
    // Upstream's proto field 4 is named uID; its JSON name is uid.
    BoundObjectReference: 'kind:1:s apiVersion:2:s name:3:s uid:4:s',
    UserInfo: 'username:1:s uid:2:s groups:3:[s] extra:4:{ExtraValue}',
    ExtraValue: '@list items:1:[s]',
    TokenReview: 'metadata:1:meta.ObjectMeta spec:2:TokenReviewSpec status:3:TokenReviewStatus',
    TokenReviewSpec: 'token:1:s audiences:2:[s]',
    TokenReviewStatus: 'authenticated:1:b user:2:UserInfo audiences:4:[s] error:3:s',
  },
};

export const certificates: ProtoGroup = {
  ns: 'certificates',
  kinds: { 'certificates.k8s.io/v1': ['CertificateSigningRequest'] },
  messages: {
    CertificateSigningRequest: 'metadata:1:meta.ObjectMeta spec:2:CertificateSigningRequestSpec status:3:CertificateSigningRequestStatus',
    CertificateSigningRequestSpec: `request:1:y! signerName:7:s! expirationSeconds:8:i* usages:5:[s] username:2:s uid:3:s groups:4:[s]
      extra:6:{ExtraValue}`,
    CertificateSigningRequestStatus: 'conditions:1:[CertificateSigningRequestCondition] certificate:2:y',
    ExtraValue: '@list items:1:[s]',
    CertificateSigningRequestCondition: 'type:1:s! status:6:s! reason:2:s message:3:s lastUpdateTime:4:meta.Time lastTransitionTime:5:meta.Time',
  },
};
