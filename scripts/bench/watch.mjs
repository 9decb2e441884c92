// Watch delivery latency: time from a write's HTTP response to the event's arrival at watch clients.
import https from 'node:https';
import { TOKEN, configMap, percentile, sleep } from './lib.mjs';

/** Opens one watch stream; onLine(event, arrivalMs) per JSON line. Resolves once the 200 headers arrived. */
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
          if (line.trim()) onEvent(JSON.parse(line), now);
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
 * time through writer (a lib client), waiting for every watcher to see each before the next write.
 * Returns { p50, p99, max, samples, missed } in ms.
 */
export async function watchLatency({ writer, watchServer, watchClient, ns, prefix, watchers, writes = 200, perWriteTimeoutMs = 2000, totalTimeoutMs = 60_000 }) {
  const list = await watchClient.json('GET', `/api/v1/namespaces/${ns}/configmaps?limit=1`);
  const rv = list.metadata.resourceVersion;
  const arrivals = new Map(); // name → arrival times
  let waiter; // { name, resolve }
  const onEvent = (ev, now) => {
    if (ev.type !== 'ADDED') return;
    const name = ev.object?.metadata?.name;
    if (!name?.startsWith(prefix)) return;
    let a = arrivals.get(name);
    if (!a) arrivals.set(name, (a = []));
    a.push(now);
    if (waiter && waiter.name === name && a.length >= watchers) waiter.resolve();
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
    const lat = [];
    let missed = 0;
    const deadline = performance.now() + totalTimeoutMs;
    let done = 0;
    for (let i = 0; i < writes && performance.now() < deadline; i++, done++) {
      const name = `${prefix}-${i}`;
      const seen = new Promise((resolve) => (waiter = { name, resolve }));
      const r = await writer.raw('POST', `/api/v1/namespaces/${ns}/configmaps`, configMap(ns, name));
      const tResp = r.end;
      if ((arrivals.get(name)?.length ?? 0) < watchers) {
        let timer;
        await Promise.race([seen, new Promise((res) => (timer = setTimeout(res, perWriteTimeoutMs)))]);
        clearTimeout(timer);
      }
      waiter = undefined;
      const a = arrivals.get(name) ?? [];
      missed += watchers - a.length;
      // an event can beat the write's own response to the client: count that as 0
      for (const t of a) lat.push(Math.max(0, t - tResp));
      // a short pause so that one write's events are not queued behind the previous one's
      await sleep(1);
    }
    return { p50: percentile(lat, 50), p99: percentile(lat, 99), max: percentile(lat, 100), samples: lat.length, missed, writes: done };
  } finally {
    for (const s of streams) s.close();
    agent.destroy();
  }
}
