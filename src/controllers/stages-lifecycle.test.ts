import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadStages, type Stage } from './stages-load.js';
import { parseGoDuration, pickStage, stageDelayMs, stageMatches } from './stages-lifecycle.js';
import { finalizerOps } from './stages-player.js';

const dir = mkdtempSync(join(tmpdir(), 'minikapi-stage-unit-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const load = (yaml: string): Stage[] => {
  const f = join(dir, `s${n++}.yaml`);
  writeFileSync(f, yaml);
  return loadStages(f, 'v1.33.0');
};
const stage = (name: string, spec: string) => `---\napiVersion: kwok.x-k8s.io/v1alpha1\nkind: Stage\nmetadata:\n  name: ${name}\nspec:\n  resourceRef:\n    apiGroup: v1\n    kind: Pod\n${spec}`;

const pod = (over: Record<string, unknown> = {}) => ({
  metadata: { name: 'p', namespace: 'default', uid: 'u1', labels: { app: 'x' }, annotations: { 'delay.example/ms': '1500ms', when: '' }, ownerReferences: [{ kind: 'Job', name: 'j' }], ...over },
  spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'nginx' }] },
  status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
});

describe('stage selectors', () => {
  const [s] = load(
    stage(
      'complete',
      `  selector:
    matchLabels: { app: x }
    matchExpressions:
    - key: '.metadata.deletionTimestamp'
      operator: DoesNotExist
    - key: '.status.conditions.[] | select( .type == "Ready" ) | .status'
      operator: In
      values: ["True"]
    - key: '.metadata.ownerReferences.[].kind'
      operator: In
      values: [Job]
  next:
    statusTemplate: 'phase: Succeeded'
`,
    ),
  );
  test('matchLabels, DoesNotExist, In over a select() and over an iterated list all hold', () => {
    assert.equal(stageMatches(s, pod()), true);
  });
  test('a label with another value, a deletionTimestamp, or Ready False each stop the match', () => {
    assert.equal(stageMatches(s, pod({ labels: { app: 'y' } })), false);
    assert.equal(stageMatches(s, pod({ deletionTimestamp: '2026-01-01T00:00:00Z' })), false);
    assert.equal(stageMatches(s, { ...pod(), status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'False' }] } }), false);
  });
  test('NotIn and DoesNotExist hold when the path cannot be iterated (no conditions yet), as in kwok', () => {
    const [t] = load(stage('init', "  selector:\n    matchExpressions:\n    - key: '.status.conditions.[] | select( .type == \"Ready\" ) | .status'\n      operator: NotIn\n      values: ['True']\n  next: {}\n"));
    assert.equal(stageMatches(t, { metadata: {}, status: {} }), true);
    assert.equal(stageMatches(t, pod()), false);
  });
  test('matchAnnotations; a stage without a selector matches nothing', () => {
    const [a, none] = load(stage('a', '  selector:\n    matchAnnotations: { when: "" }\n  next: {}\n') + stage('none', '  next: {}\n'));
    assert.equal(stageMatches(a, pod()), true);
    assert.equal(stageMatches(none, pod()), false);
  });
});

describe('stage choice and delay', () => {
  const stages = load(stage('heavy', '  selector: {}\n  weight: 3\n  next: {}\n') + stage('light', '  selector: {}\n  weight: 1\n  next: {}\n') + stage('never', '  selector: {}\n  weight: 0\n  next: {}\n'));
  test('several matching stages: a weighted random choice; weight 0 is never chosen', () => {
    assert.deepEqual([0, 0.74, 0.76, 0.99].map((r) => pickStage(stages, pod(), () => r)?.name), ['heavy', 'heavy', 'light', 'light']);
  });
  test('weightFrom reads an annotation (strconv.ParseInt), falling back to weight', () => {
    const [w] = load(stage('w', "  selector: {}\n  weight: 5\n  weightFrom:\n    expressionFrom: '.metadata.annotations[\"w\"]'\n  next: {}\n"));
    const [other] = load(stage('o', '  selector: {}\n  weight: 5\n  next: {}\n'));
    assert.equal(pickStage([w, other], pod({ annotations: { w: '0' } }), () => 0)?.name, 'o');
    assert.equal(pickStage([w, other], pod(), () => 0)?.name, 'w');
  });
  test('delay: durationMilliseconds, durationFrom a Go duration or a timestamp, jitter between the two', () => {
    const [d] = load(stage('d', "  selector: {}\n  delay:\n    durationMilliseconds: 1000\n    durationFrom:\n      expressionFrom: '.metadata.annotations[\"delay.example/ms\"]'\n    jitterDurationMilliseconds: 3500\n  next: {}\n"));
    assert.equal(stageDelayMs(d, pod(), 0, () => 0), 1500);
    assert.equal(stageDelayMs(d, pod(), 0, () => 0.5), 2500);
    assert.equal(stageDelayMs(d, pod({ annotations: {} }), 0, () => 0), 1000);
    const [t] = load(stage('t', "  selector: {}\n  delay:\n    durationFrom:\n      jq:\n        expression: '.metadata.deletionTimestamp'\n  next: {}\n"));
    assert.equal(stageDelayMs(t, pod({ deletionTimestamp: '2026-01-01T00:00:30Z' }), Date.parse('2026-01-01T00:00:00Z')), 30_000);
    assert.equal(stageDelayMs(t, pod(), 0), 0);
  });
  test('Go durations', () => {
    assert.deepEqual(['1s', '1m30s', '250ms', '1.5h', '0', 'x', '10'].map(parseGoDuration), [1000, 90_000, 250, 5_400_000, 0, undefined, undefined]);
  });
});

describe('stage steps', () => {
  test("next converts to kwok's steps: event, finalizers, status patch, delete", () => {
    const [s] = load(stage('all', '  selector: {}\n  next:\n    event: { type: Warning, reason: R, message: m }\n    finalizers: { empty: true }\n    statusTemplate: "phase: Failed"\n    delete: true\n'));
    assert.deepEqual(s.steps.map((x) => Object.keys(x)[0]), ['event', 'finalizers', 'patch', 'delete']);
    assert.deepEqual([s.steps[2].patch?.subresource, s.steps[2].patch?.root, s.steps[2].patch?.template.execute({})], ['status', 'status', 'phase: Failed']);
  });
  test("finalizers: kwok's JSON patch operations", () => {
    assert.deepEqual(finalizerOps(['a', 'b'], { add: [], remove: ['b'], empty: false }), [{ op: 'remove', path: '/metadata/finalizers/1' }]);
    assert.deepEqual(finalizerOps(['a'], { add: [], remove: ['a'], empty: false }), [{ op: 'remove', path: '/metadata/finalizers' }]);
    assert.deepEqual(finalizerOps([], { add: ['x'], remove: [], empty: false }), [{ op: 'add', path: '/metadata/finalizers', value: ['x'] }]);
    assert.deepEqual(finalizerOps(['a'], { add: ['a', 'x'], remove: [], empty: false }), [{ op: 'add', path: '/metadata/finalizers/-', value: 'x' }]);
    assert.deepEqual(finalizerOps(['a'], { add: ['x'], remove: [], empty: true }), [{ op: 'remove', path: '/metadata/finalizers' }, { op: 'add', path: '/metadata/finalizers', value: ['x'] }]);
  });
  test("a directory's stages in name order; kustomization.yaml and kwok's other kinds are skipped, other kinds refused", () => {
    const d = mkdtempSync(join(dir, 'dir-'));
    writeFileSync(join(d, 'b.yaml'), stage('second', '  selector: {}\n  next: {}\n'));
    writeFileSync(join(d, 'a.yml'), 'apiVersion: config.kwok.x-k8s.io/v1alpha1\nkind: KwokConfiguration\n' + stage('first', '  selector: {}\n  next: {}\n'));
    writeFileSync(join(d, 'kustomization.yaml'), 'resources: [b.yaml]\n');
    writeFileSync(join(d, 'notes.txt'), 'not yaml');
    assert.deepEqual(loadStages(d, 'v').map((s) => s.name), ['first', 'second']);
    writeFileSync(join(d, 'c.yaml'), 'apiVersion: v1\nkind: ConfigMap\n');
    assert.throws(() => loadStages(d, 'v'), { message: `${join(d, 'c.yaml')}: document 1: apiVersion/kind: expected kwok.x-k8s.io/v1alpha1 Stage, got "v1" "ConfigMap"` });
  });
  test('load errors: a duplicate stage name, and a directory without YAML', () => {
    const text = stage('dup', '  selector: {}\n  next: {}\n');
    assert.throws(() => load(text + text), { message: `${join(dir, `s${n}.yaml`)}: document 2: stage "dup" for Pod is already defined in s${n}.yaml document 1` });
    const empty = mkdtempSync(join(dir, 'empty-'));
    assert.throws(() => loadStages(empty, 'v'), { message: `no .yaml or .yml files in the stages directory ${empty}` });
  });
});
