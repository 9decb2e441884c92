import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fieldErrorString } from './errors.js';
import { validateOwnerReferences } from './owner-references.js';

const errs = (refs: unknown) => validateOwnerReferences(refs, 'metadata.ownerReferences').map(fieldErrorString);

test('owner references need apiVersion with a version, kind, name and uid (field paths without an index, as upstream)', () => {
  assert.deepEqual(errs([{}]), [
    'metadata.ownerReferences.apiVersion: Invalid value: "": version must not be empty',
    'metadata.ownerReferences.kind: Invalid value: "": kind must not be empty',
    'metadata.ownerReferences.name: Invalid value: "": name must not be empty',
    'metadata.ownerReferences.uid: Invalid value: "": uid must not be empty',
  ]);
  assert.deepEqual(errs([{ apiVersion: 'apps/', kind: 'Deployment', name: 'd', uid: 'u' }]), ['metadata.ownerReferences.apiVersion: Invalid value: "apps/": version must not be empty']);
  assert.deepEqual(errs([{ apiVersion: 'a/b/c', kind: 'K', name: 'n', uid: 'u' }]), ['metadata.ownerReferences.apiVersion: Invalid value: "a/b/c": version must not be empty']);
  assert.deepEqual(errs([{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'd', uid: 'u', controller: true, blockOwnerDeletion: true }]), []);
});

test('a core v1 Event cannot be an owner', () => {
  assert.deepEqual(errs([{ apiVersion: 'v1', kind: 'Event', name: 'e', uid: 'u1' }]), [
    'metadata.ownerReferences: Invalid value: v1.OwnerReference{APIVersion:"v1", Kind:"Event", Name:"e", UID:"u1", Controller:(*bool)(nil), BlockOwnerDeletion:(*bool)(nil)}: /v1, Kind=Event is disallowed from being an owner',
  ]);
  assert.deepEqual(errs([{ apiVersion: 'events.k8s.io/v1', kind: 'Event', name: 'e', uid: 'u1' }]), []);
});

test('only one reference may be the controller', () => {
  const out = errs([
    { apiVersion: 'v1', kind: 'ConfigMap', name: 'a', uid: '1', controller: true },
    { apiVersion: 'v1', kind: 'ConfigMap', name: 'b', uid: '2', controller: false },
    { apiVersion: 'v1', kind: 'Secret', name: 'c', uid: '3', controller: true },
  ]);
  assert.equal(out.length, 1);
  assert.match(out[0]!, /^metadata\.ownerReferences: Invalid value: \[\]v1\.OwnerReference\{v1\.OwnerReference\{APIVersion:"v1", Kind:"ConfigMap", Name:"a", UID:"1", Controller:\(\*bool\)\(0x[0-9a-f]+\), BlockOwnerDeletion:\(\*bool\)\(nil\)\}, /);
  assert.ok(out[0]!.endsWith(': Only one reference can have Controller set to true. Found "true" in references for ConfigMap/a and Secret/c'), out[0]);
});
