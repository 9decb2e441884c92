import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../apimachinery/errors.js';
import { decodeProtobufObject } from './protobuf/decode.js';
import { encodeProtobufObject } from './protobuf/encode.js';
import { loadYAML } from './lazy.js';
import { decodeBody, decodeDeleteOptions, loadProtobufDecoder, setProtobufDecoderLoader } from './negotiation.js';

const PB = 'application/vnd.kubernetes.protobuf';
// helm 3.17 (client-go) deleting a release Secret: `k8s\0` + Unknown{typeMeta{v1, DeleteOptions}, raw: empty DeleteOptions}
const HELM_DELETE_BODY = Buffer.from('6b3873000a130a027631120d44656c6574654f7074696f6e7312001a002200', 'hex');

function failure(fn: () => unknown): { code: number; reason: string; message: string } {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof StatusError, String(e));
    return { code: e.code, reason: e.reason, message: e.message };
  }
  assert.fail('expected a StatusError');
}

const pb = (obj: Record<string, unknown>): Buffer => Buffer.from(encodeProtobufObject(obj));

describe('DeleteOptions bodies as the meta codecs decode them', () => {
  before(async () => {
    setProtobufDecoderLoader(async () => decodeProtobufObject);
    await loadProtobufDecoder();
    await loadYAML();
  });

  test('helm\'s protobuf DeleteOptions body decodes to empty options', () => {
    assert.deepEqual(decodeDeleteOptions(PB, HELM_DELETE_BODY), {});
  });

  test('protobuf DeleteOptions of any group version carry every field', () => {
    const opts = { gracePeriodSeconds: 0, preconditions: { uid: 'u1', resourceVersion: '7' }, orphanDependents: false, propagationPolicy: 'Foreground', dryRun: ['All'] };
    for (const apiVersion of ['v1', 'apps/v1', 'meta.k8s.io/v1', 'batch/v1']) {
      assert.deepEqual(decodeDeleteOptions(`${PB}; charset=utf-8`, pb({ apiVersion, kind: 'DeleteOptions', ...opts })), opts, apiVersion);
    }
    // an envelope without type metadata is taken as meta.k8s.io/v1 DeleteOptions
    const raw = Buffer.from('6b387300120208001a002200', 'hex');
    assert.deepEqual(decodeDeleteOptions(PB, raw), { gracePeriodSeconds: 0 });
  });

  test('JSON and YAML bodies decode alike; a missing Content-Type is JSON', () => {
    const want = { gracePeriodSeconds: 5, propagationPolicy: 'Background' };
    assert.deepEqual(decodeDeleteOptions('application/json', Buffer.from('{"kind":"DeleteOptions","apiVersion":"v1","gracePeriodSeconds":5,"propagationPolicy":"Background"}')), want);
    assert.deepEqual(decodeDeleteOptions(undefined, Buffer.from('{"gracePeriodSeconds":5,"propagationPolicy":"Background","unknown":1}')), { ...want, unknown: 1 });
    assert.deepEqual(decodeDeleteOptions('application/yaml', Buffer.from('gracePeriodSeconds: 5\npropagationPolicy: Background\n')), want);
    assert.deepEqual(decodeDeleteOptions('application/json', Buffer.from('null')), {});
    // Go drops nulls of pointer fields
    assert.deepEqual(decodeDeleteOptions('application/json', Buffer.from('{"propagationPolicy":null,"dryRun":null}')), {});
  });

  test('a Content-Type the meta codecs lack is 415', () => {
    assert.deepEqual(failure(() => decodeDeleteOptions('text/plain', Buffer.from('{}'))), {
      code: 415, reason: 'UnsupportedMediaType',
      message: 'the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf',
    });
  });

  test('malformed bodies are v1.33\'s plain 500 with the decoder\'s words', () => {
    const cases: Array<[string, Buffer, string]> = [
      ['application/json', Buffer.from('{"preconditions":"x"'), "couldn't get version/kind; json parse error: unexpected end of JSON input"],
      ['application/json', HELM_DELETE_BODY, "couldn't get version/kind; json parse error: invalid character 'k' looking for beginning of value"],
      ['application/json', Buffer.from('[]'), 'couldn\'t get version/kind; json parse error: json: cannot unmarshal array into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }'],
      ['application/json', Buffer.from('{"kind":5}'), "couldn't get version/kind; json parse error: json: cannot unmarshal number into Go struct field .kind of type string"],
      ['application/json', Buffer.from('{"gracePeriodSeconds":"5"}'), 'json: cannot unmarshal string into Go struct field DeleteOptions.gracePeriodSeconds of type int64'],
      ['application/json', Buffer.from('{"gracePeriodSeconds":1.5}'), 'json: cannot unmarshal number 1.5 into Go struct field DeleteOptions.gracePeriodSeconds of type int64'],
      ['application/json', Buffer.from('{"preconditions":{"uid":7}}'), 'json: cannot unmarshal number into Go struct field Preconditions.preconditions.uid of type string'],
      ['application/json', Buffer.from('{"dryRun":"All"}'), 'json: cannot unmarshal string into Go struct field DeleteOptions.dryRun of type []string'],
      ['application/json', Buffer.from('{"kind":"Pod","apiVersion":"v1"}'), 'no kind "Pod" is registered for version "v1" in scheme "k8s.io/apimachinery/pkg/apis/meta/internalversion/scheme/register.go:27"'],
      [PB, Buffer.from('{}'), 'provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]'],
      [PB, Buffer.from('k8s\u0000'), 'empty body'],
      [PB, pb({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } }), 'no kind "ConfigMap" is registered for version "v1" in scheme "k8s.io/apimachinery/pkg/apis/meta/internalversion/scheme/register.go:27"'],
    ];
    for (const [ct, body, message] of cases) assert.deepEqual(failure(() => decodeDeleteOptions(ct, body)), { code: 500, reason: '', message }, message);
  });

  test('create bodies report Go\'s JSON syntax errors too', () => {
    assert.deepEqual(failure(() => decodeBody('application/json', Buffer.from('{"a":1,}'))), {
      code: 400, reason: 'BadRequest', message: "couldn't get version/kind; json parse error: invalid character '}' looking for beginning of object key string",
    });
  });
});
