import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRequestInfo } from './request-info.js';

const verb = (query: string): string => parseRequestInfo('GET', '/api/v1/namespaces/ns/pods', new URLSearchParams(query)).verb;

test('watch is a bool as upstream converts it: only "0" and "false" in any case are false', () => {
  // the python client sends Python's str(bool): watch=False / watch=True
  for (const q of ['watch=False', 'watch=FALSE', 'watch=false', 'watch=0', '']) assert.equal(verb(q), 'list', q);
  for (const q of ['watch=True', 'watch=true', 'watch=1', 'watch=', 'watch=yes']) assert.equal(verb(q), 'watch', q);
});
