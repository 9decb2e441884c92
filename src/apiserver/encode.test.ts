import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeResult, listEncoder, toJSON } from './encode.js';
import { configmaps, pods } from '../registry/resources/core.js';
import type { Target } from './negotiation.js';
import type { KObject, ResourceDef } from '../registry/types.js';

const configMap = (i: number): KObject => ({
  metadata: { name: `c${i}`, namespace: 'n', uid: `u${i}`, resourceVersion: String(100 + i), creationTimestamp: '2026-12-04T16:00:00Z', labels: { app: 'é' } },
  data: { k: 'v'.repeat(i) },
});
const pod = (i: number): KObject => ({
  metadata: { name: `p${i}`, namespace: 'n', uid: `u${i}`, resourceVersion: String(200 + i), creationTimestamp: '2026-12-04T16:00:00Z' },
  spec: { containers: [{ name: 'c', image: 'i' }] },
  status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: [{ name: 'c', ready: true, restartCount: i }] },
});

describe('list encoder', () => {
  const cases: [string, ResourceDef, KObject[]][] = [
    ['ConfigMaps', configmaps, Array.from({ length: 5 }, (_, i) => configMap(i))],
    ['Pods', pods, Array.from({ length: 3 }, (_, i) => pod(i))],
    ['no items', configmaps, []],
  ];
  const targets: [Target, string | undefined][] = [
    [{ kind: 'table', version: 'v1' }, undefined],
    [{ kind: 'table', version: 'v1' }, 'Object'],
    [{ kind: 'table', version: 'v1beta1' }, 'None'],
    [{ kind: 'partial', version: 'v1', list: true }, undefined],
    [{ kind: 'partial', version: 'v1beta1', list: true }, undefined],
  ];
  for (const [what, def, items] of cases) {
    test(`a Table or PartialObjectMetadataList of ${what} printed an item at a time is the same bytes as printed whole`, () => {
      const listMeta = { continue: 'abc', remainingItemCount: 7, resourceVersion: '123' };
      for (const [target, include] of targets) {
        const query = (k: string) => (k === 'includeObject' ? include : undefined);
        const whole = toJSON(encodeResult(def, target, { items: structuredClone(items), listMeta }, query)) + '\n';
        const enc = listEncoder(def, target, listMeta, query)!;
        const pieces = enc.head + structuredClone(items).map(enc.item).join(',') + enc.tail;
        // the Table's row cells hold ages counted from now: both are printed within the same second
        assert.equal(pieces, whole, `${JSON.stringify(target)} ${include ?? ''}`);
      }
    });
  }

  test('other forms have no item-at-a-time encoder', () => {
    assert.equal(listEncoder(configmaps, { kind: 'json' }, {}, () => undefined), undefined);
  });
});
