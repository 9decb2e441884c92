#!/usr/bin/env node
// The SQLite backend alone, in this process, with writes and reads mixed: 16 writers creating 1 KiB keys
// and 16 readers doing ~50 µs of work then a get, for 2 s; prints writes and reads per second.
// A script that prints figures, never a test. Usage: node scripts/bench/storage-mixed.mjs [CHECKOUT]
// (CHECKOUT: another built tree, e.g. of main, to compare against; default this one).
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, tempDir, cleanup } from './lib.mjs';

const root = process.argv[2] ?? ROOT;
const { openBackend } = await import(pathToFileURL(join(root, 'dist', 'storage', 'index.js')).href);
const path = join(tempDir('mixed'), 'state.db');
const b = await openBackend({ kind: 'sqlite', path });
const VALUE = Buffer.from(JSON.stringify({ data: { payload: 'x'.repeat(900) } }));
const SECONDS = 2;
try {
  for (let i = 0; i < 100; i++) await b.create(`/r/${i}`, VALUE);
  let writes = 0;
  let reads = 0;
  const end = performance.now() + SECONDS * 1000;
  const work = (us) => {
    const t = performance.now() + us / 1000;
    while (performance.now() < t);
  };
  await Promise.all([
    ...Array.from({ length: 16 }, async () => {
      while (performance.now() < end) await b.create(`/p/${writes++}`, VALUE);
    }),
    // a read stands for a request: some CPU of its own, then the storage read
    ...Array.from({ length: 16 }, async () => {
      while (performance.now() < end) {
        await new Promise((r) => setImmediate(r));
        work(50);
        await b.get(`/r/${reads++ % 100}`);
      }
    }),
  ]);
  console.log(`${root}: ${Math.round(writes / SECONDS).toLocaleString('en-US')} writes/s, ${Math.round(reads / SECONDS).toLocaleString('en-US')} reads/s`);
} finally {
  await b.close();
  rmSync(path, { force: true });
  await cleanup();
}
