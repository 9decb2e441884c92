// API Priority and Fairness classification: which FlowSchema (and so which priority level) a request falls in,
// with upstream's matching rules (k8s.io/apiserver/pkg/util/flowcontrol rule.go) over the served configuration.
import type { UserInfo } from '../../auth/types.js';
import type { RequestInfo } from '../request-info.js';

/** What the filter needs of a FlowSchema or PriorityLevelConfiguration (as served, JSON). */
export interface FlowControlObject {
  metadata?: { name?: string; uid?: string };
  spec?: { priorityLevelConfiguration?: { name?: string }; matchingPrecedence?: number; rules?: unknown[] };
}

export interface Classification {
  flowSchema: string;
  flowSchemaUID: string;
  priorityLevel: string;
  priorityLevelUID: string;
}

interface Subject {
  kind?: string;
  user?: { name?: string };
  group?: { name?: string };
  serviceAccount?: { namespace?: string; name?: string };
}

interface Rules {
  subjects?: Subject[];
  resourceRules?: { verbs?: string[]; apiGroups?: string[]; resources?: string[]; clusterScope?: boolean; namespaces?: string[] }[];
  nonResourceRules?: { verbs?: string[]; nonResourceURLs?: string[] }[];
}

interface Schema {
  classification: Classification;
  rules: Rules[];
}

const SA_PREFIX = 'system:serviceaccount:';

/** The served FlowSchemas in matching order; the first that matches a request classifies it. */
export class FlowClassifier {
  private schemas: Schema[] = [];

  /** Takes a new configuration: FlowSchemas naming a missing priority level are left out, as upstream's. */
  configure(flowSchemas: Iterable<FlowControlObject>, levels: Iterable<FlowControlObject>): void {
    const levelUIDs = new Map<string, string>();
    for (const l of levels) if (l.metadata?.name) levelUIDs.set(l.metadata.name, l.metadata.uid ?? '');
    const usable: { precedence: number; name: string; schema: Schema }[] = [];
    for (const fs of flowSchemas) {
      const name = fs.metadata?.name ?? '';
      const level = fs.spec?.priorityLevelConfiguration?.name ?? '';
      const levelUID = levelUIDs.get(level);
      if (levelUID === undefined) continue;
      const classification = { flowSchema: name, flowSchemaUID: fs.metadata?.uid ?? '', priorityLevel: level, priorityLevelUID: levelUID };
      usable.push({ precedence: Number(fs.spec?.matchingPrecedence ?? 1000), name, schema: { classification, rules: (fs.spec?.rules ?? []) as Rules[] } });
    }
    usable.sort((a, b) => a.precedence - b.precedence || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    this.schemas = usable.map((u) => u.schema);
  }

  /** The request's classification; undefined before a configuration arrived or when nothing matches. */
  classify(info: RequestInfo, user: UserInfo): Classification | undefined {
    for (const s of this.schemas) if (s.rules.some((r) => matchesRules(r, info, user))) return s.classification;
    return undefined;
  }
}

function matchesRules(r: Rules, info: RequestInfo, user: UserInfo): boolean {
  if (!(r.subjects ?? []).some((s) => matchesSubject(s, user))) return false;
  if (info.isResourceRequest) {
    return (r.resourceRules ?? []).some(
      (rr) =>
        listed(info.verb, rr.verbs, '*') &&
        listed(info.subresource ? `${info.resource}/${info.subresource}` : info.resource, rr.resources, '*') &&
        listed(info.apiGroup, rr.apiGroups, '*') &&
        (info.namespace === '' ? rr.clusterScope === true : listed(info.namespace, rr.namespaces, '*')),
    );
  }
  return (r.nonResourceRules ?? []).some((nr) => listed(info.verb, nr.verbs, '*') && (nr.nonResourceURLs ?? []).some((u) => urlMatches(u, info.path)));
}

function matchesSubject(s: Subject, user: UserInfo): boolean {
  switch (s.kind) {
    case 'User':
      return s.user !== undefined && (s.user.name === '*' || s.user.name === user.username);
    case 'Group':
      return s.group !== undefined && (s.group.name === '*' || user.groups.includes(s.group.name ?? ''));
    case 'ServiceAccount': {
      if (!s.serviceAccount) return false;
      const { namespace = '', name = '' } = s.serviceAccount;
      if (name === '*') return user.username.startsWith(`${SA_PREFIX}${namespace}:`);
      return user.username === `${SA_PREFIX}${namespace}:${name}`;
    }
    default:
      return false;
  }
}

/** x is in the list, or the list is the wildcard alone (validation keeps a wildcard alone in its list). */
function listed(x: string, list: string[] | undefined, wildcard: string): boolean {
  if (!list) return false;
  return (list.length === 1 && list[0] === wildcard) || list.includes(x);
}

/** "*" matches every path; any other rule matches its own path and everything under it ("/x/*" and "/x" alike). */
function urlMatches(rule: string, path: string): boolean {
  if (rule === '*' || rule === path) return true;
  let prefix = rule.endsWith('*') ? rule.slice(0, -1) : rule;
  if (!prefix.endsWith('/')) prefix += '/';
  return path.startsWith(prefix);
}
