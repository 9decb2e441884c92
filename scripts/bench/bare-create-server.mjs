// What durability alone allows: a bare node:https server that creates ConfigMaps with no Kubernetes semantics —
// it parses the body, stamps uid, namespace and creationTimestamp, prints it, and inserts it into SQLite the way
// minikapi's store does (the writes of one event-loop turn in one transaction, WAL mode, the WAL synced by the
// thread pool before the answers; writes arriving meanwhile wait for the next group). A reference row, not a target.
// Usage: node bare-create-server.mjs CERT KEY  — prints "listening PORT" on 127.0.0.1.
import { createServer } from 'node:https';
import { fdatasync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';

const [cert, key] = process.argv.slice(2);
const dir = mkdtempSync(join(tmpdir(), 'bare-create-'));
const db = new Database(join(dir, 'db'));
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.exec('CREATE TABLE kine (id INTEGER PRIMARY KEY, name TEXT NOT NULL, value BLOB); CREATE INDEX kine_name_id ON kine (name, id)');
const latest = db.prepare('SELECT id FROM kine WHERE name = ? ORDER BY id DESC LIMIT 1');
const insert = db.prepare('INSERT INTO kine (name, value) VALUES (?, ?)');
const commit = db.transaction((ops) => {
  for (const op of ops) {
    if (latest.get(op.key)) op.exists = true;
    else op.revision = insert.run(op.key, op.value).lastInsertRowid;
  }
}).immediate;

let pending = [];
let scheduled = false;
let syncing = false;
let walFd = -1;
function flush() {
  scheduled = false;
  if (syncing || pending.length === 0) return;
  const ops = pending;
  pending = [];
  commit(ops);
  if (walFd < 0) walFd = openSync(join(dir, 'db-wal'), 'r');
  syncing = true;
  fdatasync(walFd, () => {
    syncing = false;
    for (const op of ops) op.answer();
    flush();
  });
}

const server = createServer({ cert: readFileSync(cert), key: readFileSync(key), requestCert: true, rejectUnauthorized: false, keepAliveTimeout: 65_000 }, (req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const obj = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    const ns = req.url.split('/')[4] ?? 'default';
    obj.metadata = { ...obj.metadata, namespace: ns, uid: randomUUID(), creationTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z') };
    const op = { key: `/registry/configmaps/${ns}/${obj.metadata.name}`, value: Buffer.from(JSON.stringify(obj)) };
    op.answer = () => {
      if (op.exists) {
        res.writeHead(409, { 'Content-Type': 'application/json' });
        res.end('{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"AlreadyExists","code":409}\n');
        return;
      }
      obj.metadata.resourceVersion = String(op.revision);
      const body = Buffer.from(JSON.stringify(obj) + '\n');
      res.writeHead(201, { 'Content-Type': 'application/json', 'Content-Length': body.length });
      res.end(body);
    };
    pending.push(op);
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`listening ${server.address().port}\n`));
process.on('SIGTERM', () => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
});
