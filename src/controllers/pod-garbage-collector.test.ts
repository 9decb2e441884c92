import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../client/types.js';
import { terminatedToDelete } from './pod-garbage-collector.js';

const pod = (name: string, phase: string, created: string): KObject => ({ metadata: { name, creationTimestamp: created }, status: { phase } });

test('terminated pods beyond the threshold are deleted oldest first; running ones never count', () => {
  const pods = [
    pod('new-done', 'Succeeded', '2026-01-03T00:00:00Z'),
    pod('old-failed', 'Failed', '2026-01-01T00:00:00Z'),
    pod('running', 'Running', '2025-01-01T00:00:00Z'),
    pod('mid-done', 'Succeeded', '2026-01-02T00:00:00Z'),
  ];
  assert.deepEqual(terminatedToDelete(pods, 1).map((p) => p.metadata.name), ['old-failed', 'mid-done']);
  assert.deepEqual(terminatedToDelete(pods, 3), []);
  assert.deepEqual(terminatedToDelete(pods, 0), []);
});
