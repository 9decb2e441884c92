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
