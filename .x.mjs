import { ensurePki, renderKubeconfig, writeKubeconfig } from './dist/pki/index.js';
import https from 'node:https';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { dirname } from 'node:path';
import { execSync } from 'node:child_process';
const p = await ensurePki('/tmp/pkitest2', {});
const srv = https.createServer({ key: p.serverKeyPem, cert: p.serverCertPem, ca: p.caCertPem, requestCert: true, rejectUnauthorized: true }, (q, r) => { r.writeHead(200, {'content-type':'application/json'}); r.end('{}'); });
await new Promise(r => srv.listen(0, '127.0.0.1', r));
const kc = '/tmp/pkitest2/kc.yaml';
await writeKubeconfig(kc, renderKubeconfig({ name: 'm', server: `https://127.0.0.1:${srv.address().port}`, caPem: p.caCertPem, clientCertPem: p.adminCertPem, clientKeyPem: p.adminKeyPem }));
const dir = dirname(execSync('readlink -f $(which kubectl)').toString().trim());
for (const v of ['1.27','1.28','1.29','1.30','1.31','1.32','1.33']) {
  try { const { stdout } = await promisify(execFile)(`${dir}/kubectl.${v}`, ['--kubeconfig', kc, 'get', '--raw', '/x'], { env: { ...process.env, HOME: '/tmp/pkitest2' } }); console.log(v, stdout.trim()); }
  catch (e) { console.log(v, 'FAIL', e.stderr); }
}
// python (OpenSSL) client too
try { console.log('curl', execSync(`curl -s --cacert /tmp/pkitest2/ca.crt --cert /tmp/pkitest2/admin.crt --key /tmp/pkitest2/admin.key https://localhost:${srv.address().port}/y`).toString()); } catch (e) { console.log('curl fail', e.message); }
srv.close();
