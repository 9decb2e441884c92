// certificatesigningrequests/<name>/approval: only the Approved/Denied conditions change.
import type { Context } from 'hono';
import { OBJECT_MODIFIED, conflict, invalidError, methodNotAllowed, notFound, unsupportedMediaType } from '../../apimachinery/errors.js';
import { jsonPatch, mergePatch } from '../../apimachinery/patch.js';
import { prepareCSRApproval } from '../../registry/resources/certificates.js';
import { admitCertificateSigningRequest } from '../admission/certificates.js';
import type { Store } from '../../registry/store.js';
import type { KObject } from '../../registry/types.js';
import type { Env } from '../env.js';
import { send } from '../encode.js';
import { baseContentType, decodeBody } from '../negotiation.js';
import type { RequestInfo } from '../request-info.js';
import { JSON_PATCH, MERGE_PATCH, parsePatchJSON } from '../handlers/body-checks.js';
import { dryRunOf, readBody, requestContext, type HandlerDeps } from '../handlers/request.js';

export async function handleApproval(c: Context<Env>, deps: HandlerDeps, store: Store, _ns: string, info: RequestInfo): Promise<Response> {
  const { verb, name } = info;
  if (verb === 'get') return send(c, 200, await store.get('', name));
  if (verb !== 'update' && verb !== 'patch') throw methodNotAllowed();
  const ct = baseContentType(c.req.header('content-type'));
  const body = await readBody(c);
  const ctx = requestContext(c, deps, dryRunOf(c));
  const { obj } = await store.update(
    '',
    name,
    async (cur) => {
      if (!cur) throw notFound(store.gr, name);
      let next: KObject;
      if (verb === 'update') next = decodeBody(ct, body) as KObject;
      else if (ct === MERGE_PATCH) next = mergePatch(cur, parsePatchJSON(body)) as KObject;
      else if (ct === JSON_PATCH) next = jsonPatch(cur, parsePatchJSON(body)) as KObject;
      else throw unsupportedMediaType([JSON_PATCH, MERGE_PATCH]);
      const rv = next.metadata?.resourceVersion;
      if (rv && rv !== cur.metadata.resourceVersion) throw conflict(store.gr, name, OBJECT_MODIFIED);
      const errs = prepareCSRApproval(next, cur);
      if (errs.length) throw invalidError(store.gk, name, errs);
      await admitCertificateSigningRequest({ def: store.def, operation: 'UPDATE', namespace: '', name, subresource: 'approval' }, next, cur, ctx);
      return next;
    },
    ctx,
    { raw: true },
  );
  return send(c, 200, obj);
}
