// apiextensions' webhook converter: a ConversionReview (v1, or v1beta1 when the CRD asks only for it) POSTed to
// the CRD's conversion webhook (clientConfig.url, or a Service through the server's webhook caller), the response checked as upstream
// checks it (kind, uid, result, count, groupVersion and kind, name/namespace/UID kept) and the original metadata
// restored but for labels and annotations. Failures read as upstream's texts, answered as a 500.
import { randomUUID } from 'node:crypto';
import { request } from 'node:https';
import { StatusError } from '../../apimachinery/errors.js';
import type { KObject } from '../types.js';

export interface ConversionWebhookOptions {
  /** POSTs the review to clientConfig (URL or Service, as admission webhooks are called) and answers the parsed body; throws with Go's client text. */
  call?(clientConfig: KObject, review: KObject, timeoutSeconds: number): Promise<KObject>;
  timeoutMs?: number;
}

/** schema.GroupVersionKind.String(). */
function gvkString(apiVersion: string, kind: string): string {
  const i = apiVersion.indexOf('/');
  const [group, version] = i < 0 ? ['', apiVersion] : [apiVersion.slice(0, i), apiVersion.slice(i + 1)];
  return `${group}/${version}, Kind=${kind}`;
}

/** Without a caller (unit use): a URL clientConfig only. */
async function postToURL(cc: KObject, review: KObject, timeoutMs: number): Promise<KObject> {
  if (!cc.url) throw new Error('no webhook caller for a Service clientConfig');
  const ca = cc.caBundle ? Buffer.from(cc.caBundle, 'base64').toString('utf8') : undefined;
  const res = await post({ url: new URL(cc.url), ca }, JSON.stringify(review), timeoutMs);
  if (res.status < 200 || res.status > 299) throw new Error(res.text.trim() || `the server responded with the status code ${res.status} but did not return more information`);
  return JSON.parse(res.text);
}

function post(t: { url: URL; ca?: string }, body: string, timeoutMs: number): Promise<{ status: number; text: string }> {
  const url = new URL(t.url);
  url.searchParams.set('timeout', `${Math.round(timeoutMs / 1000)}s`);
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', ca: t.ca, headers: { 'Content-Type': 'application/json', Accept: 'application/json, */*', 'Content-Length': Buffer.byteLength(body) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', (e) => reject(new Error(`Post "${url.href}": ${e.message}`)));
    req.setTimeout(timeoutMs, () => req.destroy(new Error('context deadline exceeded')));
    req.end(body);
  });
}

/** The review version the webhook gets: the first of conversionReviewVersions this server speaks. */
function reviewVersion(crd: KObject): 'v1' | 'v1beta1' {
  for (const v of crd.spec?.conversion?.webhook?.conversionReviewVersions ?? []) if (v === 'v1' || v === 'v1beta1') return v;
  throw new Error('no supported conversion review versions');
}

function convertedObjects(expectedUID: string, version: 'v1' | 'v1beta1', review: KObject): KObject[] {
  if (version === 'v1' && (review.apiVersion !== 'apiextensions.k8s.io/v1' || review.kind !== 'ConversionReview'))
    throw new Error(`expected webhook response of apiextensions.k8s.io/v1, Kind=ConversionReview, got ${gvkString(review.apiVersion ?? '', review.kind ?? '')}`);
  const r = review.response;
  if (!r) throw new Error('no response provided');
  if (version === 'v1' && (r.uid ?? '') !== expectedUID) throw new Error(`expected response.uid="${expectedUID}", got "${r.uid ?? ''}"`);
  const status = r.result?.status ?? '';
  if (status !== 'Success') throw new Error(r.result?.message ? r.result.message : `response.result.status was '${status}', not 'Success'`);
  return r.convertedObjects ?? [];
}

function validateConverted(original: KObject, converted: KObject): void {
  const m = (o: KObject, k: string) => o.metadata?.[k] ?? '';
  if ((original.kind ?? '') !== (converted.kind ?? '')) throw new Error(`must have the same kind: ${original.kind ?? ''} != ${converted.kind ?? ''}`);
  for (const [k, label] of [
    ['name', 'name'],
    ['namespace', 'namespace'],
    ['uid', 'UID'],
  ] as const)
    if (m(original, k) !== m(converted, k)) throw new Error(`must have the same ${label}: ${m(original, k)} != ${m(converted, k)}`);
}

/** restoreObjectMeta: the original metadata, with the webhook's labels and annotations. */
function restoreObjectMeta(original: KObject, converted: KObject): void {
  const response = converted.metadata;
  if (response === undefined) throw new Error('missing metadata in converted object');
  if (!response || typeof response !== 'object' || Array.isArray(response)) throw new Error(`invalid metadata of type ${goType(response)} in converted object`);
  const meta: KObject = structuredClone(original.metadata ?? {});
  for (const fld of ['labels', 'annotations']) {
    const v = response[fld];
    if (v === undefined || v === null) {
      delete meta[fld];
      continue;
    }
    if (typeof v !== 'object' || Array.isArray(v)) throw new Error(`invalid metadata.${fld} of type ${goType(v)} in converted object`);
    for (const [k, x] of Object.entries(v)) if (typeof x !== 'string') throw new Error(`metadata.${fld}[${k}] must be a string, but is ${goType(x)} in converted object`);
    meta[fld] = v;
  }
  converted.metadata = meta;
}

function goType(v: unknown): string {
  if (v === null) return '<nil>';
  if (Array.isArray(v)) return '[]interface {}';
  if (typeof v === 'object') return 'map[string]interface {}';
  if (typeof v === 'number') return 'float64';
  return typeof v;
}

/**
 * Converts custom resources to `desiredAPIVersion` through the CRD's conversion webhook. `input` is one object or a
 * list (`items`); objects already in the desired version are not sent. Throws the converter's error as it reaches a
 * client from storage: a 500 Status without reason (ErrorToAPIStatus of a plain error); admission wraps it in an
 * InternalError.
 */
export async function convertThroughWebhook(crd: KObject, input: KObject, desiredAPIVersion: string, opts: ConversionWebhookOptions = {}): Promise<KObject> {
  try {
    return await convert(crd, input, desiredAPIVersion, opts);
  } catch (e) {
    throw new StatusError(500, '', (e as Error).message);
  }
}

async function convert(crd: KObject, input: KObject, desired: string, opts: ConversionWebhookOptions): Promise<KObject> {
  const isList = Array.isArray(input.items);
  // an object of nothing but apiVersion and kind converts without a call (isEmptyUnstructuredObject)
  if (!isList && Object.keys(input).length === 2 && 'apiVersion' in input && 'kind' in input) return { ...input, apiVersion: desired };
  const inGVK = gvkString(input.apiVersion ?? '', input.kind ?? '');
  const items: KObject[] = isList ? input.items : [input];
  const toSend = items.filter((o) => o.apiVersion !== desired);
  const version = reviewVersion(crd);
  if (!toSend.length) return isList ? { ...structuredClone(input), apiVersion: desired } : input;
  const uid = randomUUID();
  const review = { kind: 'ConversionReview', apiVersion: `apiextensions.k8s.io/${version}`, request: { uid, desiredAPIVersion: desired, objects: toSend }, response: { uid: '', convertedObjects: null, result: { metadata: {} } } };
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const cc = crd.spec?.conversion?.webhook?.clientConfig ?? {};
  let body: KObject;
  try {
    body = opts.call ? await opts.call(cc, review, Math.round(timeoutMs / 1000)) : await postToURL(cc, review, timeoutMs);
  } catch (e) {
    throw new Error(`conversion webhook for ${inGVK} failed: ${(e as Error).message}`);
  }
  let converted: KObject[];
  try {
    converted = convertedObjects(uid, version, body);
  } catch (e) {
    throw new Error(`conversion webhook for ${inGVK} failed: ${(e as Error).message}`);
  }
  if (isList) {
    if (converted.length !== toSend.length) throw new Error(`conversion webhook for ${inGVK} returned ${converted.length} objects, expected ${toSend.length}`);
    let n = 0;
    const out = items.map((original) => {
      if (original.apiVersion === desired) return original;
      const c = converted[n]!;
      const at = `conversion webhook for ${inGVK} returned invalid converted object at index ${n}`;
      if (c.apiVersion !== desired) throw new Error(`${at}: invalid groupVersion (expected ${desired}, received ${c.apiVersion ?? ''})`);
      if (c.kind !== original.kind) throw new Error(`${at}: invalid kind (expected ${original.kind}, received ${c.kind ?? ''})`);
      try {
        validateConverted(original, c);
      } catch (e) {
        throw new Error(`${at}: ${(e as Error).message}`);
      }
      try {
        restoreObjectMeta(original, c);
      } catch (e) {
        throw new Error(`conversion webhook for ${inGVK} returned invalid metadata in object at index ${n}: ${(e as Error).message}`);
      }
      n++;
      return c;
    });
    return { ...input, apiVersion: desired, items: out };
  }
  if (converted.length !== 1) throw new Error(`conversion webhook for ${inGVK} failed, no objects returned`);
  const c = converted[0]!;
  if (c.apiVersion !== desired) throw new Error(`conversion webhook for ${inGVK} returned invalid object at index 0: invalid groupVersion (expected ${desired}, received ${c.apiVersion ?? ''})`);
  if (c.kind !== input.kind) throw new Error(`conversion webhook for ${inGVK} returned invalid object at index 0: invalid kind (expected ${input.kind}, received ${c.kind ?? ''})`);
  try {
    validateConverted(input, c);
  } catch (e) {
    throw new Error(`conversion webhook for ${inGVK} returned invalid object: ${(e as Error).message}`);
  }
  try {
    restoreObjectMeta(input, c);
  } catch (e) {
    throw new Error(`conversion webhook for ${inGVK} returned invalid metadata: ${(e as Error).message}`);
  }
  return c;
}
