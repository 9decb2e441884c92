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
  const segs = path.split('/').filter((s) => s !== '');
  if (segs.length === 0) return info;
  const prefix = segs[0];
  if (prefix !== 'api' && prefix !== 'apis') return info;
  let cur = segs.slice(1);
  info.apiPrefix = prefix;
  if (prefix === 'apis') {
    if (cur.length === 0) return info;
    info.apiGroup = cur[0];
    cur = cur.slice(1);
  }
  if (cur.length === 0) return info;
  info.apiVersion = cur[0];
  cur = cur.slice(1);
  if (cur.length === 0) return info;
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
  if (cur[0] === 'watch') {
    info.verb = 'watch';
    cur = cur.slice(1);
  }
  if (cur[0] === 'namespaces') {
    if (cur.length > 1) {
      info.namespace = cur[1];
      if (cur.length > 2 && !namespaceSubresources.has(cur[2])) cur = cur.slice(2);
    }
  }
  info.parts = cur;
  if (cur.length >= 3) info.subresource = cur[2];
  if (cur.length >= 2) info.name = cur[1];
  if (cur.length >= 1) info.resource = cur[0];
  // as upstream's bool conversion: only "0" and "false" in any case are false (python sends watch=False)
  const isFalse = (w: string): boolean => w === '0' || w.toLowerCase() === 'false';
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
