// A fetch-like transport over node:https with a kubeconfig's embedded credentials (fetch itself cannot present
// a client certificate), for the clients the command line uses against a running cluster.
import { request } from 'node:https';
import { parse as parseYAML } from 'yaml';
import type { Transport } from '../client/http-client.js';

export interface Credentials {
  server: string;
  ca: string;
  cert: string;
  key: string;
}

/** The server and admin credentials of a kubeconfig minikapi wrote (one cluster, one user). */
export function credentialsOf(kubeconfig: string): Credentials {
  const kc = parseYAML(kubeconfig);
  const b64 = (s: string) => Buffer.from(s, 'base64').toString('utf8');
  const cluster = kc.clusters[0].cluster;
  const user = kc.users[0].user;
  return { server: cluster.server, ca: b64(cluster['certificate-authority-data']), cert: b64(user['client-certificate-data']), key: b64(user['client-key-data']) };
}

export function httpsTransport(creds: Credentials, timeoutMs = 30_000): Transport {
  return async (req: Request) => {
    const body = req.body ? Buffer.from(await req.arrayBuffer()) : undefined;
    const url = new URL(req.url);
    return new Promise<Response>((resolve, reject) => {
      const headers: Record<string, string> = {};
      req.headers.forEach((v, k) => (headers[k] = v));
      const r = request(
        { host: url.hostname.replace(/^\[|\]$/g, ''), port: url.port, path: url.pathname + url.search, method: req.method, headers, ca: creds.ca, cert: creds.cert, key: creds.key, timeout: timeoutMs },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (d: Buffer) => chunks.push(d));
          res.on('end', () => {
            const h = new Headers();
            for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) h.set(k, Array.isArray(v) ? v.join(', ') : v);
            const status = res.statusCode ?? 0;
            resolve(new Response([204, 205, 304].includes(status) ? null : Buffer.concat(chunks), { status, headers: h }));
          });
          res.on('error', reject);
        },
      );
      r.on('error', reject);
      r.on('timeout', () => r.destroy(new Error(`no answer from ${url.origin} within ${timeoutMs / 1000}s`)));
      r.end(body);
    });
  };
}

/** GET /readyz: true when the server says ok. */
export async function isReady(creds: Credentials): Promise<boolean> {
  try {
    const res = await httpsTransport(creds, 5000)(new Request(`${creds.server}/readyz`));
    return res.status === 200 && (await res.text()).trim() === 'ok';
  } catch {
    return false;
  }
}
