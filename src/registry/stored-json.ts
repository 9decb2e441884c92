// Stored objects are the JSON the API prints, minus metadata.resourceVersion (the revision is the row, not
// the bytes). Reads put it back where Go prints it, without parsing the object.

const METADATA_KEY = Buffer.from('metadata');
/** ObjectMeta fields Go prints before resourceVersion. */
const BEFORE_RV_TYPED = ['name', 'generateName', 'namespace', 'selfLink', 'uid'].map((k) => Buffer.from(k));
const RESOURCE_VERSION = Buffer.from('resourceVersion');

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Index just past the JSON string starting at i (a quote). */
function skipString(b: Buffer, i: number): number {
  for (i++; i < b.length; i++) {
    const ch = b[i];
    if (ch === BACKSLASH) i++;
    else if (ch === QUOTE) return i + 1;
  }
  return b.length;
}

/** Index just past the JSON value starting at i. */
function skipValue(b: Buffer, i: number): number {
  const ch = b[i];
  if (ch === QUOTE) return skipString(b, i);
  if (ch === 0x7b || ch === 0x5b) {
    let depth = 0;
    for (; i < b.length; i++) {
      const c = b[i];
      if (c === QUOTE) i = skipString(b, i) - 1;
      else if (c === 0x7b || c === 0x5b) depth++;
      else if (c === 0x7d || c === 0x5d) {
        depth--;
        if (depth === 0) return i + 1;
      }
    }
    return b.length;
  }
  while (i < b.length && b[i] !== 0x2c && b[i] !== 0x7d && b[i] !== 0x5d) i++;
  return i;
}

/** Whether b[start, end) holds exactly the bytes of key. */
function bytesEqual(b: Buffer, start: number, end: number, key: Buffer): boolean {
  if (end - start !== key.length) return false;
  for (let j = 0; j < key.length; j++) if (b[start + j] !== key[j]) return false;
  return true;
}

/** Whether the (raw, still escaped) key b[start, end) is one Go prints before resourceVersion in a typed object. */
function beforeRVTyped(b: Buffer, start: number, end: number): boolean {
  for (const k of BEFORE_RV_TYPED) if (bytesEqual(b, start, end, k)) return true;
  return false;
}

/** Index just past `"metadata":{` among the top-level keys of b, looking from i (the object's `{` or a key); -1 when there is none. */
function metadataStart(b: Buffer, i: number): number {
  if (b[i] === 0x7b) i++;
  while (i < b.length && b[i] === QUOTE) {
    const keyEnd = skipString(b, i);
    if (bytesEqual(b, i + 1, keyEnd - 1, METADATA_KEY) && b[keyEnd] === 0x3a) return b[keyEnd + 1] === 0x7b ? keyEnd + 2 : -1;
    i = skipValue(b, keyEnd + 1);
    if (b[i] === 0x2c) i++;
  }
  return -1;
}

/**
 * Where "resourceVersion" goes in metadata: after the fields Go prints before it (typed kinds), or before
 * the first key that sorts after it (custom resources, whose keys are sorted; compared as bytes, as their
 * latin1 text compares). undefined when there is no metadata. from: where to look for it (the object's
 * start, or a top-level key known to come before it).
 */
export function insertionPoint(b: Buffer, typed: boolean, from = 0): { at: number; first: boolean } | undefined {
  let i = metadataStart(b, from);
  if (i < 0) return undefined;
  let first = true;
  while (i < b.length && b[i] === QUOTE) {
    const keyEnd = skipString(b, i);
    if (typed ? !beforeRVTyped(b, i + 1, keyEnd - 1) : b.compare(RESOURCE_VERSION, 0, RESOURCE_VERSION.length, i + 1, keyEnd - 1) > 0) return { at: i, first };
    i = skipValue(b, keyEnd + 1);
    if (b[i] === 0x2c) i++;
    first = false;
  }
  return { at: i, first };
}

/** The stored bytes with metadata.resourceVersion put back; `newline`: ending as a response body does. */
export function withResourceVersion(stored: Buffer, rv: number, typed: boolean, newline = false): Buffer | undefined {
  return spliced(stored, rv, typed, newline);
}

/** What a typed object's JSON starts with: `{"kind":...,"apiVersion":...` (list items print without it). */
export function typeMetaHead(kind: string, apiVersion: string): Buffer {
  return Buffer.from(`{"kind":${JSON.stringify(kind)},"apiVersion":${JSON.stringify(apiVersion)}`);
}

/** stored with the resourceVersion field inserted. */
function spliced(stored: Buffer, rv: number, typed: boolean, newline: boolean): Buffer | undefined {
  const p = insertionPoint(stored, typed);
  if (!p) return undefined;
  const closing = stored[p.at] === 0x7d;
  const field = `${p.first ? '' : closing ? ',' : ''}"resourceVersion":"${rv}"${closing ? '' : ','}`;
  const size = stored.length + field.length + (newline ? 1 : 0);
  const out = Buffer.allocUnsafe(size);
  let o = stored.copy(out, 0, 0, p.at);
  o += out.write(field, o, 'latin1');
  o += stored.copy(out, o, p.at);
  if (newline) out[o] = 0x0a;
  return out;
}

/** A typed object's JSON without its leading kind and apiVersion (how typed lists print their items). */
export function withoutTypeMeta(json: Buffer, kind: string, apiVersion: string): Buffer {
  const head = `{"kind":${JSON.stringify(kind)},"apiVersion":${JSON.stringify(apiVersion)}`;
  if (json.length <= head.length || json.toString('utf8', 0, head.length) !== head) return json;
  const rest = json.subarray(head.length);
  return rest[0] === 0x2c ? Buffer.concat([Buffer.from('{'), rest.subarray(1)]) : Buffer.from('{}');
}

/** withResourceVersion as text (a watch event's JSON), without a buffer in between; undefined when there is no metadata. */
export function withResourceVersionText(stored: Buffer, rv: number, typed: boolean): string | undefined {
  const p = insertionPoint(stored, typed);
  if (!p) return undefined;
  const closing = stored[p.at] === 0x7d;
  // p.at is where a key or the closing brace begins: never inside a UTF-8 sequence
  return `${stored.toString('utf8', 0, p.at)}${p.first ? '' : closing ? ',' : ''}"resourceVersion":"${rv}"${closing ? '' : ','}${stored.toString('utf8', p.at)}`;
}
