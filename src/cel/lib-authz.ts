// Kubernetes authz library for ValidatingAdmissionPolicy: authorizer.group().resource()...check(verb), driven
// by a synchronous callback (RBAC decisions come from an in-memory cache).
import { fn, memberOverload, type FunctionDecl, type Impl } from './decls.js';
import { BOOL, STRING, structType, type CelType } from './types.js';
import { CelError, OpaqueValue, type Val } from './values.js';

export const AUTHORIZER_TYPE = structType('kubernetes.authorization.Authorizer');
export const PATH_CHECK_TYPE = structType('kubernetes.authorization.PathCheck');
export const GROUP_CHECK_TYPE = structType('kubernetes.authorization.GroupCheck');
export const RESOURCE_CHECK_TYPE = structType('kubernetes.authorization.ResourceCheck');
export const DECISION_TYPE = structType('kubernetes.authorization.Decision');

export interface AuthzUser {
  username: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
}

/** authorizer.Attributes as the library fills them (field/label selectors as given, unparsed). */
export interface AuthzAttributes {
  user: AuthzUser;
  verb: string;
  isResourceRequest: boolean;
  path: string;
  apiGroup: string;
  apiVersion: string;
  resource: string;
  subresource: string;
  namespace: string;
  name: string;
  fieldSelector: string;
  labelSelector: string;
}

export interface AuthzDecision {
  decision: 'allow' | 'deny' | 'no-opinion';
  reason: string;
  /** Set when the authorizer failed; shown by Decision.error(). */
  error?: string;
}

/** The callback the `authorizer` variable checks with. */
export interface CelAuthorizer {
  authorize(a: AuthzAttributes): AuthzDecision;
}

export class AuthorizerValue extends OpaqueValue {
  readonly celType = AUTHORIZER_TYPE;
  constructor(readonly user: AuthzUser, readonly authorizer: CelAuthorizer) {
    super();
  }
}

class PathCheckValue extends OpaqueValue {
  readonly celType = PATH_CHECK_TYPE;
  constructor(readonly authz: AuthorizerValue, readonly path: string) {
    super();
  }
}

class GroupCheckValue extends OpaqueValue {
  readonly celType = GROUP_CHECK_TYPE;
  constructor(readonly authz: AuthorizerValue, readonly group: string) {
    super();
  }
}

interface ResourceFields {
  resource: string;
  subresource: string;
  namespace: string;
  name: string;
  fieldSelector: string;
  labelSelector: string;
}

export class ResourceCheckValue extends OpaqueValue {
  readonly celType = RESOURCE_CHECK_TYPE;
  constructor(readonly group: GroupCheckValue, readonly f: ResourceFields) {
    super();
  }
  with(patch: Partial<ResourceFields>): ResourceCheckValue {
    return new ResourceCheckValue(this.group, { ...this.f, ...patch });
  }
}

class DecisionValue extends OpaqueValue {
  readonly celType = DECISION_TYPE;
  constructor(readonly d: AuthzDecision) {
    super();
  }
}

/** The `authorizer.requestResource` value: a ResourceCheck for the request being admitted. */
export function requestResourceCheck(authz: AuthorizerValue, r: { group: string; resource: string; subresource?: string; namespace?: string; name?: string }): ResourceCheckValue {
  return new ResourceCheckValue(new GroupCheckValue(authz, r.group), {
    resource: r.resource, subresource: r.subresource ?? '', namespace: r.namespace ?? '', name: r.name ?? '', fieldSelector: '', labelSelector: '',
  });
}

const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function authorize(authz: AuthorizerValue, attrs: Omit<AuthzAttributes, 'user'>): DecisionValue {
  try {
    return new DecisionValue(authz.authorizer.authorize({ ...attrs, user: authz.user }));
  } catch (e) {
    return new DecisionValue({ decision: 'no-opinion', reason: '', error: (e as Error).message });
  }
}

const as = <T>(cls: abstract new (...a: never[]) => T, f: (v: T, s: string, extra: Val[]) => Val): Impl => ([v, s, ...rest]) =>
  v instanceof cls ? f(v, s as string, rest) : new CelError('no such overload');

const NO_RESOURCE = { isResourceRequest: false, apiGroup: '', apiVersion: '', resource: '', subresource: '', namespace: '', name: '', fieldSelector: '', labelSelector: '' };

export const AUTHZ_LIBRARY: FunctionDecl[] = [
  fn('path', [memberOverload('authorizer_path', [AUTHORIZER_TYPE, STRING], PATH_CHECK_TYPE, as(AuthorizerValue, (a, p) =>
    p.trim() === '' ? new CelError('path must not be empty') : new PathCheckValue(a, p)))]),
  fn('group', [memberOverload('authorizer_group', [AUTHORIZER_TYPE, STRING], GROUP_CHECK_TYPE, as(AuthorizerValue, (a, g) => new GroupCheckValue(a, g)))]),
  fn('serviceAccount', [memberOverload('authorizer_serviceaccount', [AUTHORIZER_TYPE, STRING, STRING], AUTHORIZER_TYPE, as(AuthorizerValue, (a, ns, [name]) => {
    const n = name as string;
    if (n.length > 253 || !SUBDOMAIN.test(n)) return new CelError('Invalid service account name');
    if (ns.length > 63 || !LABEL.test(ns)) return new CelError('Invalid service account namespace');
    return new AuthorizerValue({ username: `system:serviceaccount:${ns}:${n}`, groups: ['system:serviceaccounts', `system:serviceaccounts:${ns}`] }, a.authorizer);
  }))]),
  fn('resource', [memberOverload('groupcheck_resource', [GROUP_CHECK_TYPE, STRING], RESOURCE_CHECK_TYPE, as(GroupCheckValue, (g, r) =>
    r.trim() === '' ? new CelError('resource must not be empty') : new ResourceCheckValue(g, { resource: r, subresource: '', namespace: '', name: '', fieldSelector: '', labelSelector: '' })))]),
  fn('subresource', [memberOverload('resourcecheck_subresource', [RESOURCE_CHECK_TYPE, STRING], RESOURCE_CHECK_TYPE, as(ResourceCheckValue, (r, s) => r.with({ subresource: s })))]),
  fn('namespace', [memberOverload('resourcecheck_namespace', [RESOURCE_CHECK_TYPE, STRING], RESOURCE_CHECK_TYPE, as(ResourceCheckValue, (r, s) => r.with({ namespace: s })))]),
  fn('name', [memberOverload('resourcecheck_name', [RESOURCE_CHECK_TYPE, STRING], RESOURCE_CHECK_TYPE, as(ResourceCheckValue, (r, s) => r.with({ name: s })))]),
  fn('check', [
    memberOverload('pathcheck_check', [PATH_CHECK_TYPE, STRING], DECISION_TYPE, as(PathCheckValue, (p, verb) => authorize(p.authz, { ...NO_RESOURCE, path: p.path, verb }))),
    memberOverload('resourcecheck_check', [RESOURCE_CHECK_TYPE, STRING], DECISION_TYPE, as(ResourceCheckValue, (r, verb) => authorize(r.group.authz, {
      ...r.f, isResourceRequest: true, path: '', apiGroup: r.group.group, apiVersion: '*', verb,
    }))),
  ]),
  fn('errored', [memberOverload('decision_errored', [DECISION_TYPE], BOOL, as(DecisionValue, (d) => d.d.error !== undefined))]),
  fn('error', [memberOverload('decision_error', [DECISION_TYPE], STRING, as(DecisionValue, (d) => d.d.error ?? ''))]),
  fn('allowed', [memberOverload('decision_allowed', [DECISION_TYPE], BOOL, as(DecisionValue, (d) => d.d.decision === 'allow'))]),
  fn('reason', [memberOverload('decision_reason', [DECISION_TYPE], STRING, as(DecisionValue, (d) => d.d.reason))]),
];

export const AUTHZ_SELECTORS_LIBRARY: FunctionDecl[] = [
  fn('fieldSelector', [memberOverload('authorizer_fieldselector', [RESOURCE_CHECK_TYPE, STRING], RESOURCE_CHECK_TYPE, as(ResourceCheckValue, (r, s) => r.with({ fieldSelector: s })))]),
  fn('labelSelector', [memberOverload('authorizer_labelselector', [RESOURCE_CHECK_TYPE, STRING], RESOURCE_CHECK_TYPE, as(ResourceCheckValue, (r, s) => r.with({ labelSelector: s })))]),
];

/** Struct types of the library (no fields are selectable). */
export const AUTHZ_TYPES: CelType[] = [AUTHORIZER_TYPE, PATH_CHECK_TYPE, GROUP_CHECK_TYPE, RESOURCE_CHECK_TYPE, DECISION_TYPE];
