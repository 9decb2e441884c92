// Watch delivery latency: time from a write's HTTP response to the event's arrival at watch clients.
import https from 'node:https';
import { TOKEN, configMap, percentile, sleep } from './lib.mjs';

/** Opens one watch stream; onLine(line, arrivalMs) per JSON line. Resolves once the 200 headers arrived. */
function openWatch(server, agent, path, onEvent) {
  return new Promise((resolve, reject) => {
    const req = https.request(server.url + path, { agent, headers: { Authorization: `Bearer ${TOKEN}`, Accept: 'application/json' } }, (res) => {
      if (res.statusCode !== 200) {
        reject(new Error(`watch ${path}: HTTP ${res.statusCode}`));
        res.resume();
        return;
      }
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (d) => {
        // arrival = when the chunk reached us, before any parsing
        const now = performance.now();
        buf += d;
        let i;
        while ((i = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, i);
          buf = buf.slice(i + 1);
          if (line.trim()) onEvent(line, now);
        }
      });
      res.on('error', () => {});
      resolve({ close: () => req.destroy() });
    });
    req.setTimeout(30_000, () => req.destroy(new Error('watch: no headers within 30 s')));
    req.on('error', (e) => reject(e));
    req.end();
  });
}

/**
 * Opens `watchers` watches on watchServer (namespace ns), then creates `writes` ConfigMaps one at a
 * time through writer (a lib client) with a random 2–20 ms pause between writes, so that writes do
 * not lock onto the phase of the cross-process poller. Returns { p50, p99, max, samples, missed } in ms.
 */
export async function watchLatency({ writer, watchServer, watchClient, ns, prefix, watchers, writes = 200, drainMs = 3000 }) {
  const list = await watchClient.json('GET', `/api/v1/namespaces/${ns}/configmaps?limit=1`);
  const rv = list.metadata.resourceVersion;
  const arrivals = new Map(); // name → arrival times (an event may beat the write's response)
  let received = 0;
  const onEvent = (line, now) => {
    // cheap match instead of JSON.parse: with 100 watchers the parsing would be counted as latency
    const m = /^\{"type":"ADDED","object":\{.*?"metadata":\{"name":"([^"]+)"/.exec(line);
    const name = m ? m[1] : undefined;
    if (!name?.startsWith(prefix)) return;
    let a = arrivals.get(name);
    if (!a) arrivals.set(name, (a = []));
    a.push(now);
    received++;
  };
  // a dedicated agent: one socket per watch, no pooling limits
  const agent = new https.Agent({ keepAlive: false, maxSockets: Infinity, ca: watchServer.ca });
  const streams = [];
  try {
    for (let i = 0; i < watchers; i += 20) {
      const batch = Array.from({ length: Math.min(20, watchers - i) }, () =>
        openWatch(watchServer, agent, `/api/v1/namespaces/${ns}/configmaps?watch=true&resourceVersion=${rv}`, onEvent),
      );
      streams.push(...(await Promise.all(batch)));
    }
    const responded = new Map(); // name → time the create's response ended
    for (let i = 0; i < writes; i++) {
      const name = `${prefix}-${i}`;
      const r = await writer.raw('POST', `/api/v1/namespaces/${ns}/configmaps`, configMap(ns, name));
      responded.set(name, r.end);
      await sleep(2 + Math.random() * 18);
    }
    // bounded wait for the last events
    const deadline = performance.now() + drainMs;
    while (received < writes * watchers && performance.now() < deadline) await sleep(5);
    const lat = [];
    for (const [name, tResp] of responded) for (const t of arrivals.get(name) ?? []) lat.push(Math.max(0, t - tResp)); // early arrival counts as 0
    return { p50: percentile(lat, 50), p99: percentile(lat, 99), max: percentile(lat, 100), samples: lat.length, missed: writes * watchers - lat.length, writes };
  } finally {
    for (const s of streams) s.close();
    agent.destroy();
  }
}
