import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorString } from '../../../apimachinery/errors.js';
import { levelVersionString, policyFromLabels } from './policy-labels.js';

describe('PodSecurity namespace labels', () => {
  test('no labels: privileged:latest for every mode', () => {
    const { policy, errs } = policyFromLabels(undefined);
    assert.deepEqual(errs, []);
    assert.equal(levelVersionString(policy.enforce), 'privileged:latest');
  });

  test('levels and versions are read per mode', () => {
    const { policy } = policyFromLabels({ 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/enforce-version': 'v1.25', 'pod-security.kubernetes.io/warn': 'restricted' });
    assert.equal(levelVersionString(policy.enforce), 'baseline:v1.25');
    assert.equal(levelVersionString(policy.warn), 'restricted:latest');
    assert.equal(levelVersionString(policy.audit), 'privileged:latest');
  });

  test('invalid values give upstream field errors; a bad enforce level means restricted', () => {
    const { policy, errs } = policyFromLabels({ 'pod-security.kubernetes.io/enforce': 'strict', 'pod-security.kubernetes.io/warn-version': '1.25', 'pod-security.kubernetes.io/audit': 'x' });
    assert.deepEqual(errs.map(fieldErrorString), [
      'metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: "strict": must be one of privileged, baseline, restricted',
      'metadata.labels[pod-security.kubernetes.io/audit]: Invalid value: "x": must be one of privileged, baseline, restricted',
      'metadata.labels[pod-security.kubernetes.io/warn-version]: Invalid value: "1.25": must be "latest" or "v1.x"',
    ]);
    assert.equal(policy.enforce.level, 'restricted');
    assert.equal(policy.audit.level, 'privileged');
  });

  test('warn follows an explicitly stricter enforce level (and its version) unless warn is labelled', () => {
    const { policy } = policyFromLabels({ 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/enforce-version': 'v1.30' });
    assert.equal(levelVersionString(policy.warn), 'baseline:v1.30');
    const labelled = policyFromLabels({ 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/warn': 'privileged' }).policy;
    assert.equal(levelVersionString(labelled.warn), 'privileged:latest');
    const versioned = policyFromLabels({ 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/enforce-version': 'v1.30', 'pod-security.kubernetes.io/warn-version': 'v1.29' }).policy;
    assert.equal(levelVersionString(versioned.warn), 'restricted:v1.29');
    // an invalid enforce level counts as restricted but does not move warn
    assert.equal(levelVersionString(policyFromLabels({ 'pod-security.kubernetes.io/enforce': 'bad' }).policy.warn), 'privileged:latest');
  });

  test('configured defaults fill what the labels leave out', () => {
    const defaults = { enforce: { level: 'baseline' as const, version: 'v1.33' }, audit: { level: 'restricted' as const, version: 'latest' }, warn: { level: 'restricted' as const, version: 'latest' } };
    assert.deepEqual(policyFromLabels(undefined, defaults).policy, defaults);
    const { policy } = policyFromLabels({ 'pod-security.kubernetes.io/enforce': 'restricted' }, defaults);
    assert.equal(levelVersionString(policy.enforce), 'restricted:v1.33');
    assert.equal(levelVersionString(policy.audit), 'restricted:latest');
  });
});
