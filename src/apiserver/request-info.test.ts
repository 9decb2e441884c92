import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRequestInfo } from './request-info.js';

const verb = (query: string): string => parseRequestInfo('GET', '/api/v1/namespaces/ns/pods', new URLSearchParams(query)).verb;

test('watch is a bool as upstream converts it: only "0" and "false" in any case are false', () => {
  // the python client sends Python's str(bool): watch=False / watch=True
  for (const q of ['watch=False', 'watch=FALSE', 'watch=false', 'watch=0', '']) assert.equal(verb(q), 'list', q);
  for (const q of ['watch=True', 'watch=true', 'watch=1', 'watch=', 'watch=yes']) assert.equal(verb(q), 'watch', q);
});

test('paths split as upstream: empty segments dropped, namespace status and finalize kept as the resource', () => {
  const info = (method: string, path: string) => {
    const i = parseRequestInfo(method, path, new URLSearchParams());
    return [i.isResourceRequest, i.verb, i.apiGroup, i.apiVersion, i.namespace, i.resource, i.name, i.subresource, i.parts.join('/')];
  };
  assert.deepEqual(info('GET', '//api//v1//namespaces//ns//pods//p//log'), [true, 'get', '', 'v1', 'ns', 'pods', 'p', 'log', 'pods/p/log']);
  assert.deepEqual(info('PUT', '/api/v1/namespaces/ns/finalize'), [true, 'update', '', 'v1', 'ns', 'namespaces', 'ns', 'finalize', 'namespaces/ns/finalize']);
  assert.deepEqual(info('GET', '/apis/apps/v1/watch/namespaces/a/deployments'), [true, 'watch', 'apps', 'v1', 'a', 'deployments', '', '', 'deployments']);
  assert.deepEqual(info('DELETE', '/api/v1/namespaces/a/pods'), [true, 'deletecollection', '', 'v1', 'a', 'pods', '', '', 'pods']);
  assert.deepEqual(info('GET', '/apis/apps'), [false, 'get', 'apps', '', '', '', '', '', '']);
  assert.deepEqual(info('OPTIONS', '/api/v1/pods/x/y/z'), [true, '', '', 'v1', '', 'pods', 'x', 'y', 'pods/x/y/z']);
});
