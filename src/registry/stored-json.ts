// Stored objects are the JSON the API prints, minus metadata.resourceVersion (the revision is the row, not
// the bytes). Reads put it back where Go prints it, without parsing the object.

const METADATA = Buffer.from('"metadata":{');
/** ObjectMeta fields Go prints before resourceVersion. */
const BEFORE_RV_TYPED = new Set(['name', 'generateName', 'namespace', 'selfLink', 'uid']);

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

/**
 * Where "resourceVersion" goes in metadata: after the fields Go prints before it (typed kinds), or before
 * the first key that sorts after it (custom resources, whose keys are sorted). -1 when there is no metadata.
 */
function insertionPoint(b: Buffer, typed: boolean): { at: number; first: boolean } | undefined {
  const m = b.indexOf(METADATA);
  if (m < 0) return undefined;
  let i = m + METADATA.length;
  let first = true;
  while (i < b.length && b[i] === QUOTE) {
    const keyEnd = skipString(b, i);
    const key = b.toString('latin1', i + 1, keyEnd - 1);
    if (typed ? !BEFORE_RV_TYPED.has(key) : key > 'resourceVersion') return { at: i, first };
    i = skipValue(b, keyEnd + 1);
    if (b[i] === 0x2c) i++;
    first = false;
  }
  return { at: i, first };
}

/** The stored bytes with metadata.resourceVersion put back. */
export function withResourceVersion(stored: Buffer, rv: number, typed: boolean): Buffer | undefined {
  return spliced(stored, rv, typed, 0);
}

/** What a typed object's JSON starts with: `{"kind":...,"apiVersion":...` (list items print without it). */
export function typeMetaHead(kind: string, apiVersion: string): Buffer {
  return Buffer.from(`{"kind":${JSON.stringify(kind)},"apiVersion":${JSON.stringify(apiVersion)}`);
}

/** A typed object's stored bytes as a list item: resourceVersion put back and kind and apiVersion left out, in one copy. */
export function listItemJSON(stored: Buffer, rv: number, head: Buffer): Buffer | undefined {
  const n = head.length;
  if (stored.length <= n + 1 || stored[n] !== 0x2c || stored.compare(head, 0, n, 0, n) !== 0) return undefined;
  return spliced(stored, rv, true, n);
}

/** stored with the resourceVersion field inserted; with skip > 0, the bytes after `{` up to skip (and its comma) left out. */
function spliced(stored: Buffer, rv: number, typed: boolean, skip: number): Buffer | undefined {
  const p = insertionPoint(stored, typed);
  if (!p) return undefined;
  const closing = stored[p.at] === 0x7d;
  const field = `${p.first ? '' : closing ? ',' : ''}"resourceVersion":"${rv}"${closing ? '' : ','}`;
  const from = skip ? skip + 1 : 0;
  const out = Buffer.allocUnsafe((skip ? 1 : 0) + p.at - from + field.length + stored.length - p.at);
  let o = 0;
  if (skip) out[o++] = 0x7b;
  o += stored.copy(out, o, from, p.at);
  o += out.write(field, o, 'latin1');
  stored.copy(out, o, p.at);
  return out;
}

/** A typed object's JSON without its leading kind and apiVersion (how typed lists print their items). */
export function withoutTypeMeta(json: Buffer, kind: string, apiVersion: string): Buffer {
  const head = `{"kind":${JSON.stringify(kind)},"apiVersion":${JSON.stringify(apiVersion)}`;
  if (json.length <= head.length || json.toString('utf8', 0, head.length) !== head) return json;
  const rest = json.subarray(head.length);
  return rest[0] === 0x2c ? Buffer.concat([Buffer.from('{'), rest.subarray(1)]) : Buffer.from('{}');
}
