import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_ADMISSION_PLUGINS, admissionPluginsProblem, enabledAdmissionPlugins, pluginList } from './admission-plugins.js';

describe('admission plugin options', () => {
  test("the default set is kube-apiserver v1.33's, in its order", () => {
    assert.deepEqual(DEFAULT_ADMISSION_PLUGINS, [
      'NamespaceLifecycle', 'LimitRanger', 'ServiceAccount', 'TaintNodesByCondition', 'PodSecurity', 'Priority', 'DefaultTolerationSeconds',
      'DefaultStorageClass', 'StorageObjectInUseProtection', 'PersistentVolumeClaimResize', 'RuntimeClass', 'CertificateApproval', 'CertificateSigning',
      'ClusterTrustBundleAttest', 'CertificateSubjectRestriction', 'DefaultIngressClass', 'PodTopologyLabels', 'MutatingAdmissionPolicy',
      'MutatingAdmissionWebhook', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionWebhook', 'ResourceQuota',
    ]);
  });

  test('enable adds to the defaults and disable takes away', () => {
    const on = enabledAdmissionPlugins(['AlwaysPullImages'], ['PodSecurity']);
    assert.ok(on.has('AlwaysPullImages'));
    assert.ok(!on.has('PodSecurity'));
    assert.ok(on.has('LimitRanger'));
    assert.ok(!on.has('AlwaysDeny'));
  });

  test('flag values split on commas only, as pflag string slices', () => {
    assert.deepEqual(pluginList('A,B'), ['A', 'B']);
    assert.deepEqual(pluginList(''), []);
    assert.equal(admissionPluginsProblem(pluginList('LimitRanger, PodSecurity')), 'enable-admission-plugins plugin " PodSecurity" is unknown');
  });

  test('nothing to say about known names', () => {
    assert.equal(admissionPluginsProblem(['NamespaceExists'], ['PodSecurity']), undefined);
  });
});
