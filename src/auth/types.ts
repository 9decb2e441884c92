// Shapes shared by every layer that knows who asks: users, authenticators and authorizers.
// Types only: lower layers (registry, controllers) may import this file and nothing else of auth/.

/** user.Info: who made a request. */
export interface UserInfo {
  username: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
}

/** What an authenticator may look at: headers and, on TLS connections, the socket. */
export interface AuthRequest {
  header(name: string): string | undefined;
  /** The TLS socket of the connection (absent for in-process requests). */
  socket?: unknown;
}

/** A user, no opinion (undefined), or credentials that were presented and are not valid. */
export type AuthResult = UserInfo | undefined | 'invalid';

export interface Authenticator {
  authenticate(req: AuthRequest): AuthResult | Promise<AuthResult>;
}

/** A bearer-token authenticator: a user for a token it knows, undefined otherwise. */
export interface TokenAuthenticator {
  authenticateToken(token: string): UserInfo | undefined | Promise<UserInfo | undefined>;
}

/** authorizer.Attributes: what a request wants to do. */
export interface Attributes {
  user: UserInfo;
  verb: string;
  isResourceRequest: boolean;
  /** Non-resource requests: the URL path. */
  path: string;
  apiGroup: string;
  apiVersion: string;
  resource: string;
  subresource: string;
  namespace: string;
  name: string;
}

export type Decision = 'allow' | 'deny' | 'no-opinion';

export interface AuthorizationResult {
  decision: Decision;
  /** Appended to the 403 message when not empty. */
  reason: string;
}

export interface Authorizer {
  authorize(a: Attributes): AuthorizationResult | Promise<AuthorizationResult>;
}

/** An rbac.authorization.k8s.io/v1 PolicyRule. */
export interface PolicyRule {
  verbs?: string[] | null;
  apiGroups?: string[] | null;
  resources?: string[] | null;
  resourceNames?: string[] | null;
  nonResourceURLs?: string[] | null;
}

/** authorizer.RuleResolver's answer: what a user may do in a namespace, as SelfSubjectRulesReview reports it. */
export interface RulesResult {
  resourceRules: { verbs: string[]; apiGroups?: string[]; resources?: string[]; resourceNames?: string[] }[];
  nonResourceRules: { verbs: string[]; nonResourceURLs?: string[] }[];
  incomplete: boolean;
  evaluationError: string;
}

export interface RuleResolver {
  rulesFor(user: UserInfo, namespace: string): RulesResult;
}

/** What the registry asks of authorization: review answers and RBAC's escalation and bind checks. */
export interface AuthorizationServices {
  authorizer: Authorizer;
  ruleResolver: RuleResolver;
  /** Upstream's ConfirmNoEscalation: undefined when the user holds every rule, else the Forbidden text. */
  confirmNoEscalation(user: UserInfo, namespace: string, rules: PolicyRule[]): string | undefined;
  /** The rules a binding's roleRef names, or upstream's lookup error. */
  roleReferenceRules(ref: { kind: string; name: string }, namespace: string): { rules: PolicyRule[] } | { error: string };
}
