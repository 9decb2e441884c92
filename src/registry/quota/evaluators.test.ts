import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluatorFor, quotaMatches, usageOf } from './evaluators.js';
import { toJSON } from './resource-list.js';

const pod = (name: string, containers: object[], extra: Record<string, unknown> = {}) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'ns' }, spec: { containers, ...extra } });
const c = (name: string, resources?: object) => ({ name, image: 'nginx', ...(resources ? { resources } : {}) });
const pods = evaluatorFor('', 'pods');

test('a running pod charges its count and the sum of its containers, an init container as a maximum', () => {
  const p = pod('p', [c('a', { requests: { cpu: '250m', memory: '64Mi' }, limits: { cpu: '500m' } }), c('b', { requests: { cpu: '250m', memory: '64Mi' } })], {
    initContainers: [c('i', { requests: { cpu: '2' } })],
  });
  assert.deepEqual(toJSON(pods.usage(p)), {
    'count/pods': '1', cpu: '2', 'limits.cpu': '500m', memory: '128Mi', pods: '1', 'requests.cpu': '2', 'requests.memory': '128Mi',
  });
});

test('a terminal pod charges only count/pods', () => {
  assert.deepEqual(toJSON(pods.usage({ ...pod('p', [c('a', { requests: { cpu: '1' } })]), status: { phase: 'Succeeded' } })), { 'count/pods': '1' });
});

test('quota on cpu limits makes every container state them, with upstream text', () => {
  const p = pod('p', [c('b'), c('a', { limits: { cpu: '1' } })], { initContainers: [c('i')] });
  assert.equal(pods.constraints(['limits.cpu', 'limits.memory', 'pods'], p), 'must specify limits.cpu for: b,i; limits.memory for: a,b,i');
  assert.equal(pods.constraints(['pods'], p), undefined);
});

test('scopes: BestEffort, Terminating and PriorityClass select pods; object counts ignore scoped quotas', () => {
  const q = (spec: object) => ({ metadata: { name: 'q' }, spec });
  const be = pod('p', [c('a')]);
  const burst = pod('p', [c('a', { requests: { cpu: '1' } })], { activeDeadlineSeconds: 10, priorityClassName: 'high' });
  assert.equal(quotaMatches(q({ scopes: ['BestEffort'] }), ['pods'], pods, be), true);
  assert.equal(quotaMatches(q({ scopes: ['BestEffort'] }), ['pods'], pods, burst), false);
  assert.equal(quotaMatches(q({ scopes: ['Terminating', 'NotBestEffort'] }), ['pods'], pods, burst), true);
  assert.equal(quotaMatches(q({ scopeSelector: { matchExpressions: [{ scopeName: 'PriorityClass', operator: 'In', values: ['high'] }] } }), ['pods'], pods, burst), true);
  assert.equal(quotaMatches(q({ scopeSelector: { matchExpressions: [{ scopeName: 'PriorityClass', operator: 'In', values: ['high'] }] } }), ['pods'], pods, be), false);
  assert.equal(quotaMatches(q({ scopes: ['BestEffort'] }), ['configmaps'], evaluatorFor('', 'configmaps'), { metadata: { name: 'x' } }), false);
  assert.equal(quotaMatches(q({}), ['services'], pods, be), false);
});

test('usage of a namespace: zero for hard names nothing charges, services count node ports and load balancers', () => {
  const svc = (type: string) => ({ metadata: { name: type }, spec: { type, ports: [{ port: 80 }, { port: 81 }] } });
  const used = usageOf({ metadata: { name: 'q' }, spec: {} }, ['services', 'services.nodeports', 'services.loadbalancers', 'pods'], evaluatorFor('', 'services'), [svc('ClusterIP'), svc('NodePort'), svc('LoadBalancer')]);
  assert.deepEqual(toJSON(used), { services: '3', 'services.loadbalancers': '1', 'services.nodeports': '4' });
  assert.deepEqual(toJSON(usageOf({ metadata: { name: 'q' }, spec: {} }, ['count/deployments.apps'], evaluatorFor('apps', 'deployments'), [])), { 'count/deployments.apps': '0' });
});

test('a resized pod charges the larger of spec and status requests, only its status while the resize is Infeasible', () => {
  const resized = (spec: string, status: string, conditions: object[] = []) => ({ ...pod('p', [c('a', { requests: { cpu: spec } })]), status: { phase: 'Running', conditions, containerStatuses: [{ name: 'a', resources: { requests: { cpu: status } } }] } });
  assert.equal(toJSON(pods.usage(resized('100m', '300m')))['requests.cpu'], '300m');
  assert.equal(toJSON(pods.usage(resized('500m', '300m')))['requests.cpu'], '500m');
  assert.equal(toJSON(pods.usage(resized('5', '300m', [{ type: 'PodResizePending', status: 'True', reason: 'Infeasible' }])))['requests.cpu'], '300m');
});
