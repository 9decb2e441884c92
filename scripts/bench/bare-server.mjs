// The ceiling: a bare node:https server answering every request with a fixed 1 KiB JSON body.
// Usage: node bare-server.mjs CERT KEY  — prints "listening PORT" on 127.0.0.1.
import { createServer } from 'node:https';
import { readFileSync } from 'node:fs';

const [cert, key] = process.argv.slice(2);
const body = Buffer.from(JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'bare', namespace: 'default' }, data: { payload: 'x'.repeat(900) } }).padEnd(1024, ' '));
// same TLS settings as minikapi's listener (client certificates requested, not required)
const server = createServer({ cert: readFileSync(cert), key: readFileSync(key), requestCert: true, rejectUnauthorized: false, keepAliveTimeout: 65_000 }, (req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': body.length });
    res.end(body);
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`listening ${server.address().port}\n`));
process.on('SIGTERM', () => process.exit(0));
