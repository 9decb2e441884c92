import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { compactRules, compactString, covers, ruleAllows } from './rbac-rules.js';
import type { Attributes } from './types.js';

const user = { username: 'alice', groups: ['system:authenticated'] };
const res = (verb: string, group: string, resource: string, subresource = '', name = '', namespace = 'default'): Attributes => ({
  user,
  verb,
  isResourceRequest: true,
  path: '',
  apiGroup: group,
  apiVersion: 'v1',
  resource,
  subresource,
  namespace,
  name,
});
const url = (verb: string, path: string): Attributes => ({ user, verb, isResourceRequest: false, path, apiGroup: '', apiVersion: '', resource: '', subresource: '', namespace: '', name: '' });

describe('RBAC rule matching', () => {
  test('a resource rule matches by verb, group and resource; a subresource needs its own entry', () => {
    const rule = { verbs: ['get', 'list'], apiGroups: [''], resources: ['pods', 'pods/log'] };
    assert.equal(ruleAllows(res('get', '', 'pods'), rule), true);
    assert.equal(ruleAllows(res('get', '', 'pods', 'log'), rule), true);
    assert.equal(ruleAllows(res('get', '', 'pods', 'exec'), rule), false);
    assert.equal(ruleAllows(res('delete', '', 'pods'), rule), false);
    assert.equal(ruleAllows(res('get', 'apps', 'pods'), rule), false);
  });

  test('*/scale matches the scale subresource of every resource and nothing else', () => {
    const rule = { verbs: ['get'], apiGroups: ['*'], resources: ['*/scale'] };
    assert.equal(ruleAllows(res('get', 'apps', 'deployments', 'scale'), rule), true);
    assert.equal(ruleAllows(res('get', '', 'replicationcontrollers', 'scale'), rule), true);
    assert.equal(ruleAllows(res('get', 'apps', 'deployments'), rule), false);
    assert.equal(ruleAllows(res('get', 'apps', 'deployments', 'status'), rule), false);
  });

  test('wildcards match every verb, group and resource, subresources included', () => {
    const rule = { verbs: ['*'], apiGroups: ['*'], resources: ['*'] };
    assert.equal(ruleAllows(res('escalate', 'rbac.authorization.k8s.io', 'clusterroles'), rule), true);
    assert.equal(ruleAllows(res('create', '', 'pods', 'eviction'), rule), true);
    assert.equal(ruleAllows(url('get', '/healthz'), rule), false);
  });

  test('resourceNames restrict to the named objects; a request without a name does not match', () => {
    const rule = { verbs: ['get', 'update'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['a'] };
    assert.equal(ruleAllows(res('get', '', 'configmaps', '', 'a'), rule), true);
    assert.equal(ruleAllows(res('get', '', 'configmaps', '', 'b'), rule), false);
    assert.equal(ruleAllows(res('list', '', 'configmaps'), { ...rule, verbs: ['list'] }), false);
  });

  test('non-resource URLs match exactly or by a trailing * prefix', () => {
    const rule = { verbs: ['get'], nonResourceURLs: ['/healthz', '/apis/*', '/logs**'] };
    assert.equal(ruleAllows(url('get', '/healthz'), rule), true);
    assert.equal(ruleAllows(url('get', '/healthz/etcd'), rule), false);
    assert.equal(ruleAllows(url('get', '/apis/apps/v1'), rule), true);
    assert.equal(ruleAllows(url('get', '/apis'), rule), false);
    assert.equal(ruleAllows(url('get', '/logs/kube'), rule), true);
    assert.equal(ruleAllows(url('post', '/healthz'), rule), false);
    assert.equal(ruleAllows(url('get', '/anything'), { verbs: ['get'], nonResourceURLs: ['*'] }), true);
  });
});

describe('RBAC coverage (escalation checks)', () => {
  test('an owner covers rules it holds through wildcards, */subresource and resource names', () => {
    const owner = [
      { verbs: ['get', 'list'], apiGroups: [''], resources: ['pods', '*/status'] },
      { verbs: ['*'], apiGroups: ['apps'], resources: ['deployments'] },
      { verbs: ['get'], nonResourceURLs: ['/api/*'] },
    ];
    assert.deepEqual(covers(owner, [{ verbs: ['get'], apiGroups: [''], resources: ['pods', 'pods/status'], resourceNames: ['x'] }]), { covered: true, missing: [] });
    assert.deepEqual(covers(owner, [{ verbs: ['delete'], apiGroups: ['apps'], resources: ['deployments'] }, { verbs: ['get'], nonResourceURLs: ['/api/v1'] }]), { covered: true, missing: [] });
  });

  test('the missing rules are broken down to one group, resource, verb (and name) each', () => {
    const owner = [{ verbs: ['get'], apiGroups: [''], resources: ['pods'], resourceNames: ['a'] }];
    const { covered, missing } = covers(owner, [{ verbs: ['get', 'delete'], apiGroups: [''], resources: ['pods'], resourceNames: ['a', 'b'] }, { verbs: ['get'], apiGroups: [''], resources: ['pods'] }]);
    assert.equal(covered, false);
    assert.deepEqual(missing, [
      { apiGroups: [''], resources: ['pods'], verbs: ['get'], resourceNames: ['b'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['delete'], resourceNames: ['a'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['delete'], resourceNames: ['b'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['get'] },
    ]);
  });

  test('missing rules are compacted by resource and printed as upstream', () => {
    const { missing } = covers([], [{ verbs: ['get', 'list'], apiGroups: ['', 'apps'], resources: ['secrets'] }, { verbs: ['get'], nonResourceURLs: ['/metrics'] }]);
    assert.deepEqual(compactRules(missing).map(compactString), [
      '{NonResourceURLs:["/metrics"], Verbs:["get"]}',
      '{APIGroups:[""], Resources:["secrets"], Verbs:["get" "list"]}',
      '{APIGroups:["apps"], Resources:["secrets"], Verbs:["get" "list"]}',
    ]);
    assert.equal(compactString({ verbs: ['get'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['a'] }), '{APIGroups:[""], Resources:["configmaps"], ResourceNames:["a"], Verbs:["get"]}');
  });
});
