import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { StatusError } from '../../../apimachinery/errors.js';
import { Registry } from '../../../registry/index.js';
import type { Admission, KObject, RequestContext } from '../../../registry/types.js';
import { MemoryBackend } from '../../../storage/memory.js';
import { AdmissionChain } from './admission-chain.js';
import { PolicyAdmission } from './policy-admission.js';
import { loadCel } from '../../../cel/lazy.js';

// the functions under test call the CEL library synchronously, as they do behind the server's loadCel()
await loadCel();

const NO_WEBHOOKS: Admission = { interested: async () => false, mutate: async () => false, validate: async () => {} };

const RG = 'admissionregistration.k8s.io';

describe('PolicyAdmission', () => {
  let registry: Registry;
  let policies: PolicyAdmission;
  let admission: Admission;
  const ctx = (): RequestContext => ({ user: { username: 'admin', groups: ['system:masters'] }, dryRun: false, warnings: [], services: registry.services, admission, auditAnnotations: {} });

  before(async () => {
    registry = new Registry(new MemoryBackend());
    policies = new PolicyAdmission(registry);
    admission = new AdmissionChain(NO_WEBHOOKS, policies);
    registry.admission = admission;
    await registry.mustStore('', 'namespaces').create('', { metadata: { name: 'default' } }, ctx());
  });

  after(() => {
    policies.stop();
    registry.close();
  });

  async function apply(kind: 'policy' | 'binding', name: string, spec: KObject): Promise<void> {
    const resource = kind === 'policy' ? 'validatingadmissionpolicies' : 'validatingadmissionpolicybindings';
    await registry.store(RG, 'v1', resource)!.create('', { metadata: { name }, spec }, ctx());
  }

  async function createdOrError(resource: string, group: string, ns: string, obj: KObject): Promise<StatusError | undefined> {
    const d = registry.defs.find((x) => x.group === group && x.resource === resource)!;
    try {
      await registry.store(d.group, d.version, d.resource)!.create(ns, obj, ctx());
      return undefined;
    } catch (e) {
      if (e instanceof StatusError) return e;
      throw e;
    }
  }

  test('webhook configurations are subject to policies; the policies themselves are not', async () => {
    const rules = [{ operations: ['CREATE'], apiGroups: ['*'], apiVersions: ['*'], resources: ['*'] }];
    await apply('policy', 'no-x', { matchConstraints: { resourceRules: rules }, validations: [{ expression: "!object.metadata.name.startsWith('x')", reason: 'Forbidden' }] });
    await apply('binding', 'no-x', { policyName: 'no-x', validationActions: ['Deny'] });
    await sleep(20);
    const hook = await createdOrError('validatingwebhookconfigurations', RG, '', { metadata: { name: 'x-hooks' }, webhooks: [] });
    assert.equal(hook?.code, 403);
    assert.equal(hook?.message, "validatingwebhookconfigurations.admissionregistration.k8s.io \"x-hooks\" is forbidden: ValidatingAdmissionPolicy 'no-x' with binding 'no-x' denied request: failed expression: !object.metadata.name.startsWith('x')");
    assert.equal(await createdOrError('validatingadmissionpolicybindings', RG, '', { metadata: { name: 'x-binding' }, spec: { policyName: 'no-x', validationActions: ['Warn'] } }), undefined);
    assert.equal((await createdOrError('configmaps', '', 'default', { metadata: { name: 'x-cm' } }))?.reason, 'Forbidden');
    assert.equal(await createdOrError('configmaps', '', 'default', { metadata: { name: 'ok' } }), undefined);
  });

  test('a policy whose paramKind is not served fails closed with upstream\'s configuration message', async () => {
    const rules = [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['secrets'] }];
    await apply('policy', 'unknown-param', { paramKind: { apiVersion: 'example.com/v1', kind: 'Limit' }, matchConstraints: { resourceRules: rules }, validations: [{ expression: 'true' }] });
    await apply('binding', 'unknown-param', { policyName: 'unknown-param', validationActions: ['Deny'], paramRef: { name: 'l', parameterNotFoundAction: 'Allow' } });
    await sleep(20);
    const e = await createdOrError('secrets', '', 'default', { metadata: { name: 's' } });
    assert.equal(e?.code, 422);
    assert.equal(e?.message, "secrets \"s\" is forbidden: ValidatingAdmissionPolicy 'unknown-param' denied request: failed to configure policy: failed to find resource referenced by paramKind: 'example.com/v1, Kind=Limit'");
  });

  test('a param selector runs the policy once per matching param; none with Allow admits', async () => {
    const rules = [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['services'] }];
    await apply('policy', 'svc', { paramKind: { apiVersion: 'v1', kind: 'ConfigMap' }, matchConstraints: { resourceRules: rules }, validations: [{ expression: "object.metadata.name != params.data.banned", messageExpression: "'banned by ' + params.metadata.name" }] });
    await apply('binding', 'svc', { policyName: 'svc', validationActions: ['Deny'], paramRef: { selector: { matchLabels: { role: 'ban' } }, parameterNotFoundAction: 'Allow' } });
    await sleep(20);
    const svc = (name: string) => ({ metadata: { name }, spec: { ports: [{ port: 80 }] } });
    assert.equal(await createdOrError('services', '', 'default', svc('a')), undefined);
    const cms = registry.mustStore('', 'configmaps');
    await cms.create('default', { metadata: { name: 'ban-b', labels: { role: 'ban' } }, data: { banned: 'b' } }, ctx());
    await cms.create('default', { metadata: { name: 'ban-c', labels: { role: 'ban' } }, data: { banned: 'c' } }, ctx());
    assert.equal((await createdOrError('services', '', 'default', svc('c')))?.message, "services \"c\" is forbidden: ValidatingAdmissionPolicy 'svc' with binding 'svc' denied request: banned by ban-c");
    assert.equal(await createdOrError('services', '', 'default', svc('d')), undefined);
  });

  test('a generated name is not the request\'s name (absent), but the denial names the object', async () => {
    const rules = [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['serviceaccounts'] }];
    await apply('policy', 'names', { matchConstraints: { resourceRules: rules }, validations: [{ expression: 'request.name == object.metadata.name', messageExpression: "'request.name is \\'' + request.name + '\\''" }] });
    await apply('binding', 'names', { policyName: 'names', validationActions: ['Deny'] });
    await sleep(20);
    assert.equal(await createdOrError('serviceaccounts', '', 'default', { metadata: { name: 'named' } }), undefined);
    const e = await createdOrError('serviceaccounts', '', 'default', { metadata: { generateName: 'gen-' } });
    // request is the AdmissionRequest as unstructured JSON: an empty name is omitted, so reading it is an error
    assert.match(e?.message ?? '', /^serviceaccounts "gen-[a-z0-9]{5}" is forbidden: ValidatingAdmissionPolicy 'names' with binding 'names' denied request: expression 'request.name == object.metadata.name' resulted in error: no such key: name$/);
  });

  test('matchPolicy Equivalent: an autoscaling/v2 write is checked as autoscaling/v1 by a v1 policy', async () => {
    const rules = [{ operations: ['CREATE'], apiGroups: ['autoscaling'], apiVersions: ['v1'], resources: ['horizontalpodautoscalers'] }];
    await apply('policy', 'cpu', { matchConstraints: { resourceRules: rules }, validations: [{ expression: "object.apiVersion == 'autoscaling/v1' && request.kind.version == 'v1' && request.requestKind.version == 'v2' && object.spec.targetCPUUtilizationPercentage <= 80", messageExpression: "'cpu ' + string(object.spec.targetCPUUtilizationPercentage)" }] });
    await apply('binding', 'cpu', { policyName: 'cpu', validationActions: ['Deny'] });
    await sleep(20);
    const hpa = (name: string, cpu: number) => ({ metadata: { name }, spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'd' }, minReplicas: 1, maxReplicas: 3, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: cpu } } }] } });
    const v2 = registry.store('autoscaling', 'v2', 'horizontalpodautoscalers')!;
    const create = async (o: KObject) => v2.create('default', o, ctx()).then(() => undefined, (e: StatusError) => e);
    assert.equal(await create(hpa('fine', 70)), undefined);
    assert.equal((await create(hpa('hot', 90)))?.message, "horizontalpodautoscalers.autoscaling \"hot\" is forbidden: ValidatingAdmissionPolicy 'cpu' with binding 'cpu' denied request: cpu 90");
    // Exact does not see the v2 write
    await registry.store(RG, 'v1', 'validatingadmissionpolicies')!.update('', 'cpu', (p) => ({ ...p!, spec: { ...p!.spec, matchConstraints: { ...p!.spec.matchConstraints, matchPolicy: 'Exact' } } }), ctx());
    await sleep(20);
    assert.equal(await create(hpa('hot2', 90)), undefined);
  });

  test('errors follow the binding\'s actions: under Warn a failing match condition is a warning', async () => {
    const rules = [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['limitranges'] }];
    await apply('policy', 'shaky', { matchConstraints: { resourceRules: rules }, matchConditions: [{ name: 'shaky', expression: "object.spec.nope == 'x'" }], validations: [{ expression: 'true' }] });
    await apply('binding', 'shaky', { policyName: 'shaky', validationActions: ['Warn'] });
    await sleep(20);
    const c = ctx();
    await registry.mustStore('', 'limitranges').create('default', { metadata: { name: 'lr' }, spec: { limits: [{ type: 'Container', max: { cpu: '1' } }] } }, c);
    assert.deepEqual(c.warnings, ["Validation failed for ValidatingAdmissionPolicy 'shaky' with binding 'shaky': expression 'object.spec.nope == 'x'' resulted in error: no such key: nope"]);
  });
});

