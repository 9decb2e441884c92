// `minikapi status`: read the state file, check the process, and count objects through the API itself.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { processAlive } from '../server/data-dir.js';
import { request } from 'node:https';
import { parse as parseYAML } from 'yaml';

interface StateFile {
  pid: number;
  url: string;
  storage: string;
  kubeconfig: string;
  startedAt: string;
}


function get(url: string, creds: { ca: string; cert: string; key: string }, accept?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca: creds.ca, cert: creds.cert, key: creds.key, headers: accept ? { Accept: accept } : {}, timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.end();
  });
}

export async function clusterStatus(name: string, dir: string): Promise<{ running: boolean; text: string }> {
  const stateFile = join(dir, 'minikapi.json');
  if (!existsSync(stateFile)) return { running: false, text: `cluster "${name}": not running (no state in ${dir})` };
  const st = JSON.parse(readFileSync(stateFile, 'utf8')) as StateFile;
  if (!processAlive(st.pid)) return { running: false, text: `cluster "${name}": not running (process ${st.pid} is gone)` };
  const kc = parseYAML(readFileSync(st.kubeconfig, 'utf8'));
  const b64 = (s: string) => Buffer.from(s, 'base64').toString('utf8');
  const creds = { ca: b64(kc.clusters[0].cluster['certificate-authority-data']), cert: b64(kc.users[0].user['client-certificate-data']), key: b64(kc.users[0].user['client-key-data']) };
  let objects = 0;
  const lines: string[] = [];
  try {
    const ready = await get(`${st.url}/readyz`, creds);
    const disc = await Promise.all(['/api', '/apis'].map((p) => get(st.url + p, creds, 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList')));
    const lists: string[] = [];
    for (const d of disc) {
      for (const g of JSON.parse(d.body).items) {
        const v = g.versions[0];
        for (const r of v.resources) {
          if (!r.verbs.includes('list')) continue;
          lists.push(g.metadata.name ? `/apis/${g.metadata.name}/${v.version}/${r.resource}` : `/api/${v.version}/${r.resource}`);
        }
      }
    }
    // resources served in two versions (events, HPAs) share objects: count distinct uids
    const uids = new Set<string>();
    await Promise.all(lists.map(async (p) => {
      const r = await get(`${st.url}${p}`, creds, 'application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io,application/json');
      for (const o of JSON.parse(r.body).items ?? []) if (o.metadata?.uid) uids.add(o.metadata.uid);
    }));
    objects = uids.size;
    lines.push(`cluster "${name}": running (pid ${st.pid})`, `  url:        ${st.url}`, `  ready:      ${ready.body.trim()}`, `  since:      ${st.startedAt}`, `  storage:    ${st.storage}`, `  objects:    ${objects}`, `  kubeconfig: ${st.kubeconfig}`);
  } catch (e) {
    lines.push(`cluster "${name}": process ${st.pid} is up but the API at ${st.url} does not answer (${(e as Error).message})`);
  }
  return { running: true, text: lines.join('\n') };
}
