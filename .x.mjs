import { ensurePki } from './dist/pki/index.js';
import https from 'node:https';
import { execSync } from 'node:child_process';
const p = await ensurePki('/tmp/pkitest3', {});
const srv = https.createServer({ key: p.serverKeyPem, cert: p.serverCertPem, ca: p.caCertPem, requestCert: true, rejectUnauthorized: true }, (q, r) => { r.end('{"ok":1}'); });
await new Promise(r => srv.listen(0, '127.0.0.1', r));
const port = srv.address().port;
for (const h of ['127.0.0.1', 'localhost']) {
  try { console.log(h, execSync(`curl -sS --resolve localhost:${port}:127.0.0.1 --cacert /tmp/pkitest3/ca.crt --cert /tmp/pkitest3/admin.crt --key /tmp/pkitest3/admin.key https://${h}:${port}/y 2>&1`).toString()); } catch (e) { console.log(h, 'fail', e.stdout?.toString()); }
}
try { console.log('py', execSync(`python3 -c "
import ssl,urllib.request
c=ssl.create_default_context(cafile='/tmp/pkitest3/ca.crt'); c.load_cert_chain('/tmp/pkitest3/admin.crt','/tmp/pkitest3/admin.key')
print(urllib.request.urlopen('https://127.0.0.1:${port}/z', context=c).read())
" 2>&1`).toString()); } catch (e) { console.log('py fail', e.stdout?.toString()); }
srv.close();
