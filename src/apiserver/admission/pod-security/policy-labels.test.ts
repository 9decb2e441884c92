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
});
