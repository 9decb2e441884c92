// The Priority admission plugin through kubectl: a pod's priority comes from its PriorityClass, the global
// default class, or is 0; unknown classes and disagreeing values are refused in upstream's words.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCluster, type TestCluster } from '../testing/harness.js';

const pod = (name: string, spec: Record<string, unknown> = {}) =>
  JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'c', image: 'nginx' }], ...spec } });

describe('Priority admission', () => {
  let c: TestCluster;
  const spec = async (name: string) => JSON.parse(await c.k(['get', 'pod', name, '-o', 'json'])).spec;
  before(async () => {
    c = await startTestCluster();
  });
  after(() => c?.cleanup());

  test('without a class a pod gets priority 0 and PreemptLowerPriority; a class gives its value', async () => {
    await c.k(['create', '-f', '-'], { stdin: pod('plain') });
    const s = await spec('plain');
    assert.equal(s.priority, 0);
    assert.equal(s.preemptionPolicy, 'PreemptLowerPriority');
    assert.equal(s.priorityClassName, undefined);
    await c.k(['create', 'priorityclass', 'high', '--value=1000', '--preemption-policy=Never']);
    await c.k(['create', '-f', '-'], { stdin: pod('urgent', { priorityClassName: 'high' }) });
    const u = await spec('urgent');
    assert.equal(u.priority, 1000);
    assert.equal(u.preemptionPolicy, 'Never');
    await c.k(['create', '-f', '-'], { stdin: pod('critical', { priorityClassName: 'system-cluster-critical' }) });
    assert.equal((await spec('critical')).priority, 2000000000);
  });

  test('an unknown class, or a priority that disagrees with the class, is refused', async () => {
    const missing = await c.kubectl(['create', '-f', '-'], { stdin: pod('lost', { priorityClassName: 'nope' }) });
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr, 'Error from server (Forbidden): error when creating "STDIN": pods "lost" is forbidden: no PriorityClass with name nope was found\n');
    const wrong = await c.kubectl(['create', '-f', '-'], { stdin: pod('wrong', { priorityClassName: 'high', priority: 7 }) });
    assert.equal(wrong.stderr, 'Error from server (Forbidden): error when creating "STDIN": pods "wrong" is forbidden: the integer value of priority (7) must not be provided in pod spec; priority admission controller computed 1000 from the given PriorityClass name\n');
  });

  test('the globalDefault class names itself on pods without a class', async () => {
    await c.k(['create', 'priorityclass', 'everyday', '--value=50', '--global-default=true']);
    await c.k(['create', '-f', '-'], { stdin: pod('defaulted') });
    const s = await spec('defaulted');
    assert.equal(s.priorityClassName, 'everyday');
    assert.equal(s.priority, 50);
  });
});
