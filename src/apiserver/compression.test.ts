import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { acceptsGzip, gziphandlerAcceptsGzip, promhttpAcceptsGzip } from './compression.js';

describe('Accept-Encoding as each upstream writer reads it', () => {
  test('the API writer takes only a bare gzip token', () => {
    for (const v of ['gzip', 'deflate, gzip', ' gzip ', 'br,gzip,deflate']) assert.equal(acceptsGzip(v), true, v);
    for (const v of [undefined, '', 'gzip;q=1', 'gzip;q=0', 'GZIP', '*', 'deflate', 'x-gzip', 'gzip2']) assert.equal(acceptsGzip(v), false, String(v));
  });

  test('gziphandler (/openapi/v2) honours q-values, case-insensitively, the last mention winning', () => {
    for (const v of ['gzip', 'GZIP', 'gzip;q=0.5', 'gzip;q=0, gzip', 'gzip;q=0;level=1', 'deflate, gzip;q=2']) assert.equal(gziphandlerAcceptsGzip(v), true, v);
    for (const v of [undefined, '', 'gzip;q=0', 'gzip, gzip;q=0', '*', 'deflate', 'gzip;q=abc']) assert.equal(gziphandlerAcceptsGzip(v), false, String(v));
  });

  test('promhttp (/metrics) negotiates identity against gzip: * and ties go to identity, q=0 refuses', () => {
    for (const v of ['gzip', 'gzip, deflate', 'identity;q=0.5, gzip', 'gzip;q=0.9', '*;q=0.1, gzip']) assert.equal(promhttpAcceptsGzip(v), true, v);
    for (const v of [undefined, '', '*', 'identity, gzip', 'gzip;q=0', 'GZIP', 'deflate', 'br;level=1, gzip', 'gzip;q=2']) assert.equal(promhttpAcceptsGzip(v), false, String(v));
  });
});
