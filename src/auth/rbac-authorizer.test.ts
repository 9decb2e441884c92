import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RBACAuthorizer } from './rbac-authorizer.js';
import { reconcileBinding, reconcileRole } from './bootstrap-policy.js';
import { aggregatedRules } from '../controllers/clusterrole-aggregation.js';
import type { Attributes, UserInfo } from './types.js';

const RBAC = 'rbac.authorization.k8s.io';
const alice: UserInfo = { username: 'alice', groups: ['devs', 'system:authenticated'] };
const sa: UserInfo = { username: 'system:serviceaccount:team:builder', groups: ['system:serviceaccounts', 'system:serviceaccounts:team', 'system:authenticated'] };
const ask = (user: UserInfo, verb: string, resource: string, namespace: string, name = ''): Attributes => ({
  user,
  verb,
  isResourceRequest: true,
  path: '',
  apiGroup: '',
  apiVersion: 'v1',
  resource,
  subresource: '',
  namespace,
  name,
});
const clusterRole = (name: string, rules: object[], labels?: Record<string, string>) => ({ metadata: { name, labels }, rules });
const binding = (name: string, namespace: string | undefined, kind: string, role: string, subjects: object[]) => ({ metadata: { name, namespace }, roleRef: { apiGroup: RBAC, kind, name: role }, subjects });

function authorizer(): RBACAuthorizer {
  const z = new RBACAuthorizer();
  z.index.setClusterRole(clusterRole('pod-reader', [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] }]));
  z.index.setRole({ metadata: { name: 'cm-writer', namespace: 'team' }, rules: [{ verbs: ['create', 'update'], apiGroups: [''], resources: ['configmaps'] }] });
  z.index.setRoleBinding(binding('devs-read', 'team', 'ClusterRole', 'pod-reader', [{ kind: 'Group', apiGroup: RBAC, name: 'devs' }]));
  z.index.setRoleBinding(binding('cm', 'team', 'Role', 'cm-writer', [{ kind: 'ServiceAccount', name: 'builder' }]));
  return z;
}

describe('RBAC authorizer', () => {
  test('a RoleBinding grants in its namespace only, and the allow reason names the binding', () => {
    const z = authorizer();
    assert.deepEqual(z.authorize(ask(alice, 'list', 'pods', 'team')), { decision: 'allow', reason: 'RBAC: allowed by RoleBinding "devs-read/team" of ClusterRole "pod-reader" to Group "devs"' });
    assert.deepEqual(z.authorize(ask(alice, 'list', 'pods', 'default')), { decision: 'no-opinion', reason: '' });
    assert.deepEqual(z.authorize(ask(alice, 'list', 'pods', '')), { decision: 'no-opinion', reason: '' });
  });

  test('a service account subject without a namespace means the binding namespace', () => {
    const z = authorizer();
    assert.deepEqual(z.authorize(ask(sa, 'create', 'configmaps', 'team')), { decision: 'allow', reason: 'RBAC: allowed by RoleBinding "cm/team" of Role "cm-writer" to ServiceAccount "builder/team"' });
    assert.equal(z.authorize(ask({ ...sa, username: 'system:serviceaccount:other:builder' }, 'create', 'configmaps', 'team')).decision, 'no-opinion');
  });

  test('bindings to missing roles are the denial reason', () => {
    const z = authorizer();
    z.index.setClusterRoleBinding(binding('x', undefined, 'ClusterRole', 'gone', [{ kind: 'User', apiGroup: RBAC, name: 'alice' }]));
    assert.deepEqual(z.authorize(ask(alice, 'delete', 'nodes', '')), { decision: 'no-opinion', reason: 'RBAC: clusterrole.rbac.authorization.k8s.io "gone" not found' });
    z.index.setRoleBinding(binding('y', 'team', 'Role', 'missing', [{ kind: 'User', apiGroup: RBAC, name: 'alice' }]));
    assert.deepEqual(z.authorize(ask(alice, 'delete', 'nodes', 'team')), {
      decision: 'no-opinion',
      reason: 'RBAC: [clusterrole.rbac.authorization.k8s.io "gone" not found, role.rbac.authorization.k8s.io "missing" not found]',
    });
  });

  test('index updates take effect: a deleted binding or changed subject no longer grants', () => {
    const z = authorizer();
    z.index.setRoleBinding(binding('devs-read', 'team', 'ClusterRole', 'pod-reader', [{ kind: 'User', apiGroup: RBAC, name: 'bob' }]));
    assert.equal(z.authorize(ask(alice, 'list', 'pods', 'team')).decision, 'no-opinion');
    assert.equal(z.authorize(ask({ username: 'bob', groups: [] }, 'list', 'pods', 'team')).decision, 'allow');
    z.index.deleteRoleBinding({ metadata: { name: 'devs-read', namespace: 'team' } });
    assert.equal(z.authorize(ask({ username: 'bob', groups: [] }, 'list', 'pods', 'team')).decision, 'no-opinion');
  });

  test('rulesFor lists resource and non-resource rules for the namespace', () => {
    const z = authorizer();
    z.index.setClusterRole(clusterRole('disc', [{ verbs: ['get'], nonResourceURLs: ['/api'] }]));
    z.index.setClusterRoleBinding(binding('disc', undefined, 'ClusterRole', 'disc', [{ kind: 'Group', apiGroup: RBAC, name: 'system:authenticated' }]));
    assert.deepEqual(z.rulesFor(alice, 'team'), {
      resourceRules: [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] }],
      nonResourceRules: [{ verbs: ['get'], nonResourceURLs: ['/api'] }],
      incomplete: false,
      evaluationError: '',
    });
  });

  test('the escalation check names the user, its groups and the rules it does not hold', () => {
    const z = authorizer();
    assert.equal(z.confirmNoEscalation(alice, 'team', [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }]), undefined);
    assert.equal(
      z.confirmNoEscalation(alice, 'team', [{ verbs: ['get', 'delete'], apiGroups: [''], resources: ['pods', 'secrets'] }]),
      'user "alice" (groups=["devs" "system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:[""], Resources:["pods"], Verbs:["delete"]}\n{APIGroups:[""], Resources:["secrets"], Verbs:["get" "delete"]}',
    );
  });
});

describe('bootstrap reconciliation and aggregation', () => {
  test('missing rules and labels are added, existing ones kept', () => {
    const cur = { metadata: { name: 'r', labels: { mine: 'x' }, annotations: {} }, rules: [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }] };
    const expected = { metadata: { name: 'r', labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' }, annotations: { a: 'true' } }, rules: [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] }] };
    assert.deepEqual(reconcileRole(structuredClone(cur), expected), {
      metadata: { name: 'r', labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults', mine: 'x' }, annotations: { a: 'true' } },
      rules: [
        { verbs: ['get'], apiGroups: [''], resources: ['pods'] },
        { apiGroups: [''], resources: ['pods'], verbs: ['list'] },
      ],
    });
    assert.equal(reconcileRole(structuredClone(expected), expected), null);
  });

  test('bindings gain missing subjects; a different roleRef means recreate', () => {
    const expected = binding('b', undefined, 'ClusterRole', 'r', [{ kind: 'Group', apiGroup: RBAC, name: 'g' }]);
    assert.deepEqual(reconcileBinding(binding('b', undefined, 'ClusterRole', 'r', [{ kind: 'User', apiGroup: RBAC, name: 'u' }]), expected), binding('b', undefined, 'ClusterRole', 'r', [{ kind: 'User', apiGroup: RBAC, name: 'u' }, { kind: 'Group', apiGroup: RBAC, name: 'g' }]));
    assert.equal(reconcileBinding(binding('b', undefined, 'ClusterRole', 'other', []), expected), 'recreate');
  });

  test('an aggregated role takes the rules of the selected roles by name, without duplicates or itself', () => {
    const sel = { 'rbac.authorization.k8s.io/aggregate-to-view': 'true' };
    const view = { metadata: { name: 'view', labels: sel }, aggregationRule: { clusterRoleSelectors: [{ matchLabels: sel }] }, rules: [{ verbs: ['x'], apiGroups: [''], resources: ['y'] }] };
    const all = [view, clusterRole('b', [{ verbs: ['get'], apiGroups: ['b'], resources: ['b'] }], sel), clusterRole('a', [{ verbs: ['get'], apiGroups: ['a'], resources: ['a'] }, { verbs: ['get'], apiGroups: ['b'], resources: ['b'] }], sel), clusterRole('c', [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }])];
    assert.deepEqual(aggregatedRules(view, all), [
      { verbs: ['get'], apiGroups: ['a'], resources: ['a'] },
      { verbs: ['get'], apiGroups: ['b'], resources: ['b'] },
    ]);
  });
});
