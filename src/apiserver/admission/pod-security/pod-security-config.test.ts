import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PodSecurityDecodeError, podSecurityConfig } from './pod-security-config.js';

describe('PodSecurityConfiguration', () => {
  test('empty defaults are privileged:latest; versions are normalised', () => {
    const cfg = podSecurityConfig({ apiVersion: 'pod-security.admission.config.k8s.io/v1beta1', kind: 'PodSecurityConfiguration', defaults: { audit: 'restricted', 'audit-version': 'v1.30' } });
    assert.deepEqual(cfg.defaults, { enforce: { level: 'privileged', version: 'latest' }, audit: { level: 'restricted', version: 'v1.30' }, warn: { level: 'privileged', version: 'latest' } });
    assert.deepEqual(cfg.exemptions, { usernames: [], namespaces: [], runtimeClasses: [] });
  });

  test('another kind or version fails to decode', () => {
    assert.throws(() => podSecurityConfig({ apiVersion: 'pod-security.admission.config.k8s.io/v2', kind: 'PodSecurityConfiguration' }), (e: Error) => e instanceof PodSecurityDecodeError && e.message.startsWith('no kind "PodSecurityConfiguration" is registered for version "pod-security.admission.config.k8s.io/v2"'));
    assert.throws(() => podSecurityConfig({ apiVersion: 'pod-security.admission.config.k8s.io/v1' }), (e: Error) => e instanceof PodSecurityDecodeError && e.message.startsWith("Object 'Kind' is missing in"));
  });

  test('one validation error is given alone, several in brackets', () => {
    assert.throws(() => podSecurityConfig({ apiVersion: 'pod-security.admission.config.k8s.io/v1', kind: 'PodSecurityConfiguration', exemptions: { runtimeClasses: ['Kata'] } }), {
      message: 'exemptions.runtimeClasses[0]: Invalid value: "Kata": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, \'-\' or \'.\', and must start and end with an alphanumeric character (e.g. \'example.com\', regex used for validation is \'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\')',
    });
  });
});
