import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resourceOfName } from './resource-quota.js';

test('quota names map to the resource whose objects they count', () => {
  assert.deepEqual(resourceOfName('requests.cpu'), { group: '', resource: 'pods' });
  assert.deepEqual(resourceOfName('count/pods'), { group: '', resource: 'pods' });
  assert.deepEqual(resourceOfName('requests.nvidia.com/gpu'), { group: '', resource: 'pods' });
  assert.deepEqual(resourceOfName('services.nodeports'), { group: '', resource: 'services' });
  assert.deepEqual(resourceOfName('requests.storage'), { group: '', resource: 'persistentvolumeclaims' });
  assert.deepEqual(resourceOfName('gold.storageclass.storage.k8s.io/requests.storage'), { group: '', resource: 'persistentvolumeclaims' });
  assert.deepEqual(resourceOfName('secrets'), { group: '', resource: 'secrets' });
  assert.deepEqual(resourceOfName('count/deployments.apps'), { group: 'apps', resource: 'deployments' });
  assert.deepEqual(resourceOfName('count/widgets.example.com'), { group: 'example.com', resource: 'widgets' });
  assert.equal(resourceOfName('unknown'), undefined);
});
