import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FlowClassifier, type FlowControlObject } from './classifier.js';
import type { RequestInfo } from '../request-info.js';

const level = (name: string): FlowControlObject => ({ metadata: { name, uid: `pl-${name}` } });
const schema = (name: string, precedence: number, rules: unknown[], pl = 'l'): FlowControlObject => ({ metadata: { name, uid: `fs-${name}` }, spec: { priorityLevelConfiguration: { name: pl }, matchingPrecedence: precedence, rules } });
const resource = (verb: string, resource: string, namespace = '', subresource = '', apiGroup = ''): RequestInfo => ({ isResourceRequest: true, path: '', verb, apiPrefix: 'api', apiGroup, apiVersion: 'v1', namespace, resource, subresource, name: '', parts: [] });
const nonResource = (path: string, verb = 'get'): RequestInfo => ({ isResourceRequest: false, path, verb, apiPrefix: '', apiGroup: '', apiVersion: '', namespace: '', resource: '', subresource: '', name: '', parts: [] });
const alice = { username: 'alice', groups: ['dev', 'system:authenticated'] };

function classifierOf(...schemas: FlowControlObject[]): FlowClassifier {
  const c = new FlowClassifier();
  c.configure(schemas, [level('l'), level('other')]);
  return c;
}

describe('FlowClassifier', () => {
  test('nothing is classified before a configuration arrives, or when no schema matches', () => {
    assert.equal(new FlowClassifier().classify(resource('get', 'pods', 'ns'), alice), undefined);
    assert.equal(classifierOf(schema('s', 1, [{ subjects: [{ kind: 'User', user: { name: 'bob' } }], resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'], namespaces: ['*'] }] }])).classify(resource('get', 'pods', 'ns'), alice), undefined);
  });

  test('the lowest matchingPrecedence wins, then the name; schemas naming a missing level are passed over', () => {
    const all = [{ subjects: [{ kind: 'Group', group: { name: '*' } }], resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'], clusterScope: true, namespaces: ['*'] }] }];
    const c = classifierOf(schema('z', 10, all), schema('b', 5, all), schema('a', 5, all, 'missing'), schema('c', 5, all, 'other'));
    assert.deepEqual(c.classify(resource('list', 'pods'), alice), { flowSchema: 'b', flowSchemaUID: 'fs-b', priorityLevel: 'l', priorityLevelUID: 'pl-l' });
  });

  test('subjects: users and groups by name or "*", service accounts by namespace and name or "*"', () => {
    const rule = (subject: unknown) => [{ subjects: [subject], nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }] }];
    const matches = (subject: unknown, user: { username: string; groups: string[] }) => classifierOf(schema('s', 1, rule(subject))).classify(nonResource('/version'), user) !== undefined;
    assert.equal(matches({ kind: 'User', user: { name: 'alice' } }, alice), true);
    assert.equal(matches({ kind: 'User', user: { name: '*' } }, alice), true);
    assert.equal(matches({ kind: 'User', user: { name: 'dev' } }, alice), false);
    assert.equal(matches({ kind: 'Group', group: { name: 'dev' } }, alice), true);
    assert.equal(matches({ kind: 'Group', group: { name: 'ops' } }, alice), false);
    assert.equal(matches({ kind: 'User' }, alice), false);
    const sa = { username: 'system:serviceaccount:team:robot', groups: ['system:serviceaccounts'] };
    assert.equal(matches({ kind: 'ServiceAccount', serviceAccount: { namespace: 'team', name: 'robot' } }, sa), true);
    assert.equal(matches({ kind: 'ServiceAccount', serviceAccount: { namespace: 'team', name: '*' } }, sa), true);
    assert.equal(matches({ kind: 'ServiceAccount', serviceAccount: { namespace: 'tea', name: '*' } }, sa), false);
    assert.equal(matches({ kind: 'ServiceAccount', serviceAccount: { namespace: 'team', name: 'rob' } }, sa), false);
  });

  test('resource rules: verb, group, resource or resource/subresource, namespaces or clusterScope', () => {
    const c = classifierOf(schema('s', 1, [{ subjects: [{ kind: 'User', user: { name: 'alice' } }], resourceRules: [{ verbs: ['get', 'list'], apiGroups: ['apps'], resources: ['deployments', 'deployments/scale'], namespaces: ['team'] }, { verbs: ['*'], apiGroups: ['*'], resources: ['nodes'], clusterScope: true }] }]));
    const m = (ri: RequestInfo) => c.classify(ri, alice) !== undefined;
    assert.equal(m(resource('get', 'deployments', 'team', '', 'apps')), true);
    assert.equal(m(resource('get', 'deployments', 'team', 'scale', 'apps')), true);
    assert.equal(m(resource('get', 'deployments', 'team', 'status', 'apps')), false);
    assert.equal(m(resource('update', 'deployments', 'team', '', 'apps')), false);
    assert.equal(m(resource('get', 'deployments', 'other', '', 'apps')), false);
    assert.equal(m(resource('list', 'deployments', '', '', 'apps')), false);
    assert.equal(m(resource('get', 'deployments', 'team', '', '')), false);
    assert.equal(m(resource('patch', 'nodes')), true);
    assert.equal(m(resource('patch', 'nodes', 'team')), false);
  });

  test('non-resource URLs: "*", the path itself, or everything under it', () => {
    const c = classifierOf(schema('s', 1, [{ subjects: [{ kind: 'Group', group: { name: '*' } }], nonResourceRules: [{ verbs: ['get'], nonResourceURLs: ['/healthz', '/apis/*', '/metrics/'] }] }]));
    const m = (path: string, verb = 'get') => c.classify(nonResource(path, verb), alice) !== undefined;
    assert.equal(m('/healthz'), true);
    assert.equal(m('/healthz/etcd'), true);
    assert.equal(m('/healthzx'), false);
    assert.equal(m('/apis/apps'), true);
    assert.equal(m('/apis'), false);
    assert.equal(m('/metrics/slis'), true);
    assert.equal(m('/healthz', 'post'), false);
  });
});
