// The RBAC authorizer, rule resolver and escalation check, answering from informer-fed memory as upstream's
// plugin/pkg/auth/authorizer/rbac does.
import type { Client, GVR } from '../client/types.js';
import { InformerFactory } from '../controllers/runtime/informer-factory.js';
import { RBACIndex, aggregateErrors } from './rbac-index.js';
import { compactRules, compactString, covers, goQuoteList, ruleAllows } from './rbac-rules.js';
import type { Attributes, AuthorizationResult, AuthorizationServices, Authorizer, PolicyRule, RuleResolver, RulesResult, UserInfo } from './types.js';

const RBAC = 'rbac.authorization.k8s.io';
const gvr = (resource: string, namespaced: boolean): GVR => ({ group: RBAC, version: 'v1', resource, namespaced });

export class RBACAuthorizer implements Authorizer, RuleResolver {
  private informers?: InformerFactory;

  constructor(readonly index: RBACIndex = new RBACIndex()) {}

  authorize(a: Attributes): AuthorizationResult {
    let allowedBy = '';
    const errors: string[] = [];
    this.index.visitRulesFor(a.user, a.namespace, (source, rule, err) => {
      if (rule && ruleAllows(a, rule)) {
        allowedBy = source!();
        return false;
      }
      if (err) errors.push(err);
      return true;
    });
    if (allowedBy) return { decision: 'allow', reason: `RBAC: allowed by ${allowedBy}` };
    return { decision: 'no-opinion', reason: errors.length ? `RBAC: ${aggregateErrors(errors)}` : '' };
  }

  rulesFor(user: UserInfo, namespace: string): RulesResult {
    const { rules, errors } = this.index.rulesFor(user, namespace);
    const out: RulesResult = { resourceRules: [], nonResourceRules: [], incomplete: false, evaluationError: aggregateErrors(errors) };
    for (const r of rules) {
      if (r.resources?.length) {
        const rr: RulesResult['resourceRules'][number] = { verbs: r.verbs ?? [] };
        if (r.apiGroups?.length) rr.apiGroups = r.apiGroups;
        rr.resources = r.resources;
        if (r.resourceNames?.length) rr.resourceNames = r.resourceNames;
        out.resourceRules.push(rr);
      }
      if (r.nonResourceURLs?.length) out.nonResourceRules.push({ verbs: r.verbs ?? [], nonResourceURLs: r.nonResourceURLs });
    }
    return out;
  }

  /** Upstream's ConfirmNoEscalation: the Forbidden text when the user would grant rules it does not hold. */
  confirmNoEscalation(user: UserInfo, namespace: string, rules: PolicyRule[]): string | undefined {
    const owner = this.index.rulesFor(user, namespace);
    const { covered, missing } = covers(owner.rules, rules);
    if (covered) return undefined;
    const descriptions = [...new Set(compactRules(missing).map(compactString))].sort();
    let msg = `user ${JSON.stringify(user.username)} (groups=${goQuoteList(user.groups)}) is attempting to grant RBAC permissions not currently held:\n${descriptions.join('\n')}`;
    if (owner.errors.length) msg += `; resolution errors: [${owner.errors.join(' ')}]`;
    return msg;
  }

  /** The registry's view: `authorizer` is the whole chain (system:masters, then RBAC). */
  services(authorizer: Authorizer, ruleResolver: RuleResolver = this): AuthorizationServices {
    return {
      authorizer,
      ruleResolver,
      confirmNoEscalation: (u, ns, rules) => this.confirmNoEscalation(u, ns, rules),
      roleReferenceRules: (ref, ns) => this.index.roleReferenceRules(ref, ns),
    };
  }

  /** Feeds the index from informers over the client (the API server's loopback identity). */
  start(client: Client, onError?: (err: unknown) => void): Promise<void> {
    const f = (this.informers = new InformerFactory(client, onError));
    const ix = this.index;
    f.informer(gvr('clusterroles', false)).on({ add: (o) => ix.setClusterRole(o), update: (_, o) => ix.setClusterRole(o), delete: (o) => ix.deleteClusterRole(o) });
    f.informer(gvr('roles', true)).on({ add: (o) => ix.setRole(o), update: (_, o) => ix.setRole(o), delete: (o) => ix.deleteRole(o) });
    f.informer(gvr('clusterrolebindings', false)).on({ add: (o) => ix.setClusterRoleBinding(o), update: (_, o) => ix.setClusterRoleBinding(o), delete: (o) => ix.deleteClusterRoleBinding(o) });
    f.informer(gvr('rolebindings', true)).on({ add: (o) => ix.setRoleBinding(o), update: (_, o) => ix.setRoleBinding(o), delete: (o) => ix.deleteRoleBinding(o) });
    f.start();
    return f.waitForSync();
  }

  stop(): void {
    this.informers?.stop();
  }
}
