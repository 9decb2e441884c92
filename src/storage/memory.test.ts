import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backendConformance } from './conformance.js';
import { openBackend } from './index.js';
import { MemoryBackend } from './memory.js';

backendConformance('memory', () => new MemoryBackend());

test('openBackend builds a memory backend that keeps nothing after close', async () => {
  const be = await openBackend({ kind: 'memory' });
  assert.equal(be.kind, 'memory');
  await be.create('/k/a', Buffer.from('1'));
  await be.close();
  const fresh = await openBackend({ kind: 'memory' });
  assert.equal(await fresh.get('/k/a'), undefined);
  assert.equal(await fresh.currentRevision(), 0);
  await fresh.close();
});
