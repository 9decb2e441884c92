import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { invalidError } from '../../apimachinery/errors.js';
import { TOKEN_REQUEST_GK, groupVersionKind, gvkString, tokenRequestFromBody, validateTokenRequest } from './token-requests.js';

describe('TokenRequest', () => {
  test('expirationSeconds defaults to an hour', () => {
    assert.equal(tokenRequestFromBody({}).spec.expirationSeconds, 3600);
    assert.equal(tokenRequestFromBody({ spec: { expirationSeconds: null } }).spec.expirationSeconds, 3600);
    assert.equal(tokenRequestFromBody({ spec: { expirationSeconds: '900' } }).spec.expirationSeconds, 900);
  });

  test('expirationSeconds between 10 minutes and 2^32 seconds, with upstream messages', () => {
    assert.deepEqual(validateTokenRequest({ spec: { expirationSeconds: 600 } }), []);
    assert.deepEqual(validateTokenRequest({ spec: { expirationSeconds: 2 ** 32 } }), []);
    assert.equal(
      invalidError(TOKEN_REQUEST_GK, '', validateTokenRequest({ spec: { expirationSeconds: 599 } })).message,
      'TokenRequest.authentication.k8s.io "" is invalid: spec.expirationSeconds: Invalid value: 599: may not specify a duration less than 10 minutes',
    );
    assert.equal(
      invalidError(TOKEN_REQUEST_GK, '', validateTokenRequest({ spec: { expirationSeconds: 2 ** 32 + 1 } })).message,
      'TokenRequest.authentication.k8s.io "" is invalid: spec.expirationSeconds: Invalid value: 4294967297: may not specify a duration larger than 2^32 seconds',
    );
  });

  test('a body of another kind or version is refused as the decoder refuses it', () => {
    assert.throws(() => tokenRequestFromBody({ kind: 'Pod', apiVersion: 'v1' }), { message: 'the object provided is unrecognized (must be of type TokenRequest): Pod in version "v1" cannot be handled as a TokenRequest' });
    assert.throws(() => tokenRequestFromBody({ kind: 'TokenRequest', apiVersion: 'authentication.k8s.io/v1beta1' }), { message: 'the API version in the data (authentication.k8s.io/v1beta1) does not match the expected API version (authentication.k8s.io/v1)' });
  });

  test('bound object kinds print as Go prints a GroupVersionKind', () => {
    assert.equal(gvkString(groupVersionKind('v1', 'ConfigMap')), '/v1, Kind=ConfigMap');
    assert.equal(gvkString(groupVersionKind('apps/v1', 'Deployment')), 'apps/v1, Kind=Deployment');
    assert.equal(gvkString(groupVersionKind(undefined, 'Pod')), '/, Kind=Pod');
  });
});
