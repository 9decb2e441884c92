// GET of one object: stored bytes straight out for JSON, otherwise encoded for the negotiated form.
import type { Context } from 'hono';
import type { Store } from '../../registry/store.js';
import type { ResourceDef } from '../../registry/types.js';
import type { Env } from '../env.js';
import { encodeResult, send } from '../encode.js';
import { negotiate, type Target } from '../negotiation.js';
import { q } from './request.js';

const JSON_TARGET: Target = { kind: 'json' };

export async function handleGet(c: Context<Env>, def: ResourceDef, store: Store, ns: string, name: string): Promise<Response> {
  const accept = c.req.header('accept');
  // what most clients send, answered without parsing it
  const target = accept === undefined || accept === 'application/json' ? JSON_TARGET : negotiate(accept, { allowTable: true, listy: false });
  if (target.kind === 'json' && !c.get('warnings').length) {
    return send(c, 200, await store.getRaw(ns, name, q(c, 'resourceVersion')), target);
  }
  const obj = await store.get(ns, name, q(c, 'resourceVersion'));
  return send(c, 200, encodeResult(def, target, { object: obj }, (k) => q(c, k)), target);
}
