// RequestInfo parsed once from the URL, as upstream's RequestInfoFactory does.

export interface RequestInfo {
  isResourceRequest: boolean;
  path: string;
  verb: string;
  apiPrefix: string;
  apiGroup: string;
  apiVersion: string;
  namespace: string;
  resource: string;
  subresource: string;
  name: string;
  parts: string[];
}

const namespaceSubresources = new Set(['status', 'finalize']);

/** As upstream's bool conversion: only "0" and "false" in any case are false (python sends watch=False). */
function isFalse(w: string): boolean {
  return w === '0' || w.toLowerCase() === 'false';
}

/** path.split('/') without its empty segments. */
function segments(path: string): string[] {
  const out: string[] = [];
  let from = 0;
  for (;;) {
    const slash = path.indexOf('/', from);
    const end = slash < 0 ? path.length : slash;
    if (end > from) out.push(path.slice(from, end));
    if (slash < 0) return out;
    from = slash + 1;
  }
}

export function parseRequestInfo(method: string, path: string, query: URLSearchParams): RequestInfo {
  const info: RequestInfo = {
    isResourceRequest: false,
    path,
    verb: method.toLowerCase(),
    apiPrefix: '',
    apiGroup: '',
    apiVersion: '',
    namespace: '',
    resource: '',
    subresource: '',
    name: '',
    parts: [],
  };
  const segs = segments(path);
  if (segs.length === 0) return info;
  const prefix = segs[0];
  if (prefix !== 'api' && prefix !== 'apis') return info;
  // cur is segs from index k on
  let k = 1;
  info.apiPrefix = prefix;
  if (prefix === 'apis') {
    if (k === segs.length) return info;
    info.apiGroup = segs[k++]!;
  }
  if (k === segs.length) return info;
  info.apiVersion = segs[k++]!;
  if (k === segs.length) return info;
  info.isResourceRequest = true;
  switch (method) {
    case 'POST':
      info.verb = 'create';
      break;
    case 'GET':
    case 'HEAD':
      info.verb = 'get';
      break;
    case 'PUT':
      info.verb = 'update';
      break;
    case 'PATCH':
      info.verb = 'patch';
      break;
    case 'DELETE':
      info.verb = 'delete';
      break;
    default:
      info.verb = '';
  }
  if (segs[k] === 'watch') {
    info.verb = 'watch';
    k++;
  }
  if (segs[k] === 'namespaces') {
    if (segs.length - k > 1) {
      info.namespace = segs[k + 1]!;
      if (segs.length - k > 2 && !namespaceSubresources.has(segs[k + 2]!)) k += 2;
    }
  }
  const n = segs.length - k;
  info.parts = segs.slice(k);
  if (n >= 3) info.subresource = segs[k + 2]!;
  if (n >= 2) info.name = segs[k + 1]!;
  if (n >= 1) info.resource = segs[k]!;
  if (info.name === '' && info.verb === 'get') {
    const w = query.get('watch');
    info.verb = w !== null && !isFalse(w) ? 'watch' : 'list';
  }
  if (info.verb === 'delete' && info.name === '') info.verb = 'deletecollection';
  if (info.verb === 'get' && info.name && query.has('watch')) {
    const w = query.get('watch');
    if (!isFalse(w!)) info.verb = 'watch';
  }
  return info;
}
