import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { ServiceAccountKeys, algorithmFor, keyIdFor } from './service-account-keys.js';
import { issuerDiscoveryDocuments, issuerDiscoveryProblem } from './service-account-issuer-discovery.js';

// upstream's test keys, as the JWKs its discovery test expects (pkg/serviceaccount openidmetadata test)
const UPSTREAM_RSA = {
  kty: 'RSA',
  n: '249XwEo9k4tM8fMxV7zxOhcrP-WvXn917koM5Qr2ZXs4vo26e4ytdlrV0bQ9SlcLpQVSYjIxNfhTZdDt-ecIzshKuv1gKIxbbLQMOuK1eA_4HALyEkFgmS_tleLJrhc65tKPMGD-pKQ_xhmzRuCG51RoiMgbQxaCyYxGfNLpLAZK9L0Tctv9a0mJmGIYnIOQM4kC1A1I1n3EsXMWmeJUj7OTh_AjjCnMnkgvKT2tpKxYQ59PgDgU8Ssc7RDSmSkLxnrv-OrN80j6xrw0OjEiB4Ycr0PqfzZcvy8efTtFQ_Jnc4Bp1zUtFXt7-QeevePtQ2EcyELXE0i63T1CujRMWw',
  e: 'AQAB',
};
const UPSTREAM_EC = { kty: 'EC', crv: 'P-256', x: 'H6cuzP8XuD5wal6wf9M6xDljTOPLX2i8uIp_C_ASqiI', y: 'BlHnikLV9PyEd6gl8k4T_3Wwoh6xd79XLoQTh2PAi1Y' };
const pem = (jwk: object) => createPublicKey({ key: jwk as never, format: 'jwk' }).export({ type: 'spki', format: 'pem' }) as string;

describe('service-account keys', () => {
  test('the key id is base64url of the SHA-256 of the DER public key, as upstream derives it', () => {
    assert.equal(keyIdFor(createPublicKey(pem(UPSTREAM_RSA))), 'JHJehTTTZlsspKHT-GaJxK7Kd1NQgZJu3fyK6K_QDYU');
    assert.equal(keyIdFor(createPublicKey(pem(UPSTREAM_EC))), 'SoABiieYuNx4UdqYvZRVeuC6SihxgLrhLy9peHMHpTc');
  });

  test('RSA keys sign RS256, P-256 keys ES256', () => {
    assert.equal(algorithmFor(createPublicKey(pem(UPSTREAM_RSA))), 'RS256');
    assert.equal(algorithmFor(createPublicKey(pem(UPSTREAM_EC))), 'ES256');
  });

  test('the JWKS lists every verification key once in go-jose field order, and the configuration the sorted algorithms', () => {
    const signing = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    const keys = new ServiceAccountKeys(signing, [pem(UPSTREAM_RSA), pem(UPSTREAM_EC), pem(UPSTREAM_EC)]);
    const docs = issuerDiscoveryDocuments('https://issuer.example.com', keys, undefined, '192.0.2.1:80');
    assert.equal(
      docs.configuration,
      '{"issuer":"https://issuer.example.com","jwks_uri":"https://192.0.2.1:80/openid/v1/jwks","response_types_supported":["id_token"],"subject_types_supported":["public"],"id_token_signing_alg_values_supported":["ES256","RS256"]}',
    );
    const set = JSON.parse(docs.jwks).keys;
    assert.equal(set.length, 3);
    assert.equal(JSON.stringify(set[1]), `{"use":"sig","kty":"RSA","kid":"JHJehTTTZlsspKHT-GaJxK7Kd1NQgZJu3fyK6K_QDYU","alg":"RS256","n":"${UPSTREAM_RSA.n}","e":"AQAB"}`);
    assert.equal(
      JSON.stringify(set[2]),
      '{"use":"sig","kty":"EC","kid":"SoABiieYuNx4UdqYvZRVeuC6SihxgLrhLy9peHMHpTc","crv":"P-256","alg":"ES256","x":"H6cuzP8XuD5wal6wf9M6xDljTOPLX2i8uIp_C_ASqiI","y":"BlHnikLV9PyEd6gl8k4T_3Wwoh6xd79XLoQTh2PAi1Y"}',
    );
  });

  test('discovery needs an https issuer without query or fragment', () => {
    const keys = new ServiceAccountKeys(generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
    assert.equal(issuerDiscoveryProblem('https://kubernetes.default.svc.cluster.local', keys), undefined);
    assert.equal(issuerDiscoveryProblem('http://issuer.example.com', keys), 'issuer URL must use https scheme');
    assert.equal(issuerDiscoveryProblem('https://issuer.example.com?foo=bar', keys), 'issuer URL must not have a query or fragment');
    assert.equal(issuerDiscoveryProblem('https://issuer.example.com#baz', keys), 'issuer URL must not have a query or fragment');
    assert.equal(issuerDiscoveryProblem('issuer', keys), 'issuer "issuer" is not a valid URL');
    assert.throws(() => issuerDiscoveryDocuments('https://issuer.example.com', keys, undefined, 'https://192.0.2.1:80'), /external address/);
    assert.throws(() => issuerDiscoveryDocuments('https://issuer.example.com', keys, 'http://x/openid/v1/jwks', ''), /jwks URI must use https scheme/);
  });
});
