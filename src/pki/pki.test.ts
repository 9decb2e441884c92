import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, X509Certificate } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import forge from 'node-forge';
import { parse } from 'yaml';
import {
  createCa,
  ensurePki,
  issueClientCert,
  jwsAlgorithmForKey,
  renderKubeconfig,
  writeKubeconfig,
  type CertAndKey,
  type Pki,
} from './index.js';

const execFileP = promisify(execFile);
const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';

let root: string;
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'minikapi-pki-'));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

const mode = async (p: string) => (await stat(p)).mode & 0o777;
const x509 = (pem: string) => new X509Certificate(pem);

describe('ensurePki', () => {
  let dir: string;
  let first: Pki;

  before(async () => {
    dir = join(root, 'data', 'pki');
    const t0 = performance.now();
    first = await ensurePki(dir, { hosts: ['192.0.2.10', 'api.example.test', '[2001:db8::5]'] });
    const cold = performance.now() - t0;
    const t1 = performance.now();
    await ensurePki(dir, { hosts: ['192.0.2.10', 'api.example.test', '2001:db8::5'] });
    console.log(`# ensurePki cold ${cold.toFixed(1)} ms, warm ${(performance.now() - t1).toFixed(1)} ms`);
  });

  test('first start generates every file with mode 0600 in a 0700 directory', async () => {
    assert.equal(first.generated, true);
    const files = ['admin.crt', 'admin.key', 'ca.crt', 'ca.key', 'sa.key', 'sa.pub', 'server.crt', 'server.key'];
    assert.deepEqual(first.written, files);
    assert.deepEqual((await readdir(dir)).sort(), files);
    assert.equal(await mode(dir), 0o700);
    for (const f of files) assert.equal(await mode(join(dir, f)), 0o600, f);
    assert.equal(await readFile(join(dir, 'ca.crt'), 'utf8'), first.caCertPem);
  });

  test('CA is a CA and verifies the serving and admin certificates', () => {
    const ca = x509(first.caCertPem);
    assert.equal(ca.ca, true);
    assert.equal(ca.subject, 'CN=minikapi-ca');
    assert.ok(ca.checkPrivateKey(createPrivateKey(first.caKeyPem)));
    const tenYears = Date.parse(ca.validTo) - Date.parse(ca.validFrom);
    assert.ok(tenYears > 3649 * 86_400_000, 'CA valid for ten years');
    for (const [certPem, keyPem] of [
      [first.serverCertPem, first.serverKeyPem],
      [first.adminCertPem, first.adminKeyPem],
    ] as const) {
      const c = x509(certPem);
      assert.equal(c.ca, false);
      assert.ok(c.checkIssued(ca));
      assert.ok(c.verify(ca.publicKey));
      assert.ok(c.checkPrivateKey(createPrivateKey(keyPem)));
      assert.ok(!c.verify(x509(createCa().certPem).publicKey), 'another CA does not verify it');
    }
  });

  test('serving certificate has every SAN and serverAuth', () => {
    const c = x509(first.serverCertPem);
    const dns = c.subjectAltName!.split(', ').filter((s) => s.startsWith('DNS:'));
    for (const name of [
      'localhost',
      hostname().toLowerCase(),
      'kubernetes',
      'kubernetes.default',
      'kubernetes.default.svc',
      'kubernetes.default.svc.cluster.local',
      'api.example.test',
    ]) {
      assert.ok(dns.includes(`DNS:${name}`), `SAN DNS:${name} in ${c.subjectAltName}`);
    }
    for (const ip of ['127.0.0.1', '::1', '10.96.0.1', '192.0.2.10', '2001:db8::5']) {
      assert.equal(c.checkIP(ip), ip, `SAN IP ${ip} in ${c.subjectAltName}`);
    }
    assert.deepEqual(c.keyUsage, [SERVER_AUTH]);
    const days = (Date.parse(c.validTo) - Date.parse(c.validFrom)) / 86_400_000;
    assert.ok(days > 364 && days < 367, `one year, got ${days}`);
  });

  test('admin certificate is CN=minikapi-admin, O=system:masters with clientAuth', () => {
    const c = x509(first.adminCertPem);
    const rdns = c.subject.split('\n');
    assert.ok(rdns.includes('CN=minikapi-admin'), c.subject);
    assert.ok(rdns.includes('O=system:masters'), c.subject);
    assert.deepEqual(c.keyUsage, [CLIENT_AUTH]);
  });

  test('serials are positive and random, notBefore is a minute in the past', () => {
    const serials = [first.caCertPem, first.serverCertPem, first.adminCertPem].map((p) => x509(p).serialNumber);
    assert.equal(new Set(serials).size, 3);
    for (const s of serials) {
      assert.ok(s.length >= 16, s);
      assert.ok(parseInt(s[0]!, 16) < 8, `positive serial ${s}`);
    }
    const nb = Date.parse(x509(first.serverCertPem).validFrom);
    assert.ok(nb <= Date.now() - 55_000 && nb >= Date.now() - 600_000, `notBefore ${new Date(nb).toISOString()}`);
  });

  test('service-account key pair is RSA 2048, matches and signs RS256', () => {
    const key = createPrivateKey(first.saKeyPem);
    assert.ok(createPublicKey(key).equals(createPublicKey(first.saPubPem)));
    assert.match(first.saKeyPem, /^-----BEGIN PRIVATE KEY-----/);
    assert.match(first.saPubPem, /^-----BEGIN PUBLIC KEY-----/);
    assert.equal(jwsAlgorithmForKey(first.saKeyPem), 'RS256');
    assert.equal(key.asymmetricKeyDetails?.modulusLength, 2048);
    const sig = sign('sha256', Buffer.from('token'), key);
    assert.ok(verify('sha256', Buffer.from('token'), createPublicKey(first.saPubPem), sig));
  });

  test('second start reuses everything', async () => {
    const again = await ensurePki(dir, { hosts: ['api.example.test', '192.0.2.10'] });
    assert.equal(again.generated, false);
    assert.deepEqual(again.written, []);
    assert.equal(x509(again.caCertPem).fingerprint256, x509(first.caCertPem).fingerprint256);
    assert.equal(again.serverCertPem, first.serverCertPem);
    assert.equal(again.adminCertPem, first.adminCertPem);
    assert.equal(again.saKeyPem, first.saKeyPem);
  });

  test('a new host re-issues only the serving certificate from the same CA', async () => {
    const again = await ensurePki(dir, { hosts: ['198.51.100.7'] });
    assert.equal(again.generated, false);
    assert.deepEqual(again.written, ['server.crt', 'server.key']);
    assert.equal(again.caCertPem, first.caCertPem);
    assert.equal(again.adminCertPem, first.adminCertPem);
    const c = x509(again.serverCertPem);
    assert.equal(c.checkIP('198.51.100.7'), '198.51.100.7');
    assert.ok(c.verify(x509(first.caCertPem).publicKey));
    assert.equal(await mode(join(dir, 'server.key')), 0o600);
  });

  test('a missing admin key re-issues the admin pair; sa.pub is restored from sa.key', async () => {
    await rm(join(dir, 'admin.key'));
    await rm(join(dir, 'sa.pub'));
    const again = await ensurePki(dir, { hosts: ['198.51.100.7'] });
    assert.deepEqual(again.written, ['admin.crt', 'admin.key', 'sa.pub']);
    assert.equal(again.caCertPem, first.caCertPem);
    assert.equal(again.saKeyPem, first.saKeyPem);
    assert.equal(again.saPubPem, first.saPubPem);
  });
});

describe('ensurePki failures and recovery', () => {
  test('unwritable location gives a one-line error naming the directory', async () => {
    const file = join(root, 'not-a-dir');
    await writeFile(file, 'x');
    const target = join(file, 'pki');
    await assert.rejects(ensurePki(target), (err: Error) => {
      assert.ok(err.message.includes(target), err.message);
      assert.match(err.message, /cannot write certificates to .*; make the directory writable or choose another data directory$/);
      assert.ok(!err.message.includes('\n'));
      return true;
    });
  });

  test('ca.crt without ca.key is refused with instructions', async () => {
    const d = join(root, 'half-ca');
    const p = await ensurePki(d);
    await rm(join(d, 'ca.key'));
    await assert.rejects(ensurePki(d), /ca\.key is missing; restore ca\.key, or delete ca\.crt/);
    assert.ok(p.generated);
  });

  test('an interrupted first start (no ca.crt yet) starts over', async () => {
    const d = join(root, 'interrupted');
    const p = await ensurePki(d);
    await rm(join(d, 'ca.crt'));
    const again = await ensurePki(d);
    assert.equal(again.generated, true);
    assert.notEqual(again.caKeyPem, p.caKeyPem);
    assert.ok(x509(again.serverCertPem).verify(x509(again.caCertPem).publicKey));
    assert.ok(x509(again.adminCertPem).verify(x509(again.caCertPem).publicKey));
    assert.equal(again.saKeyPem, p.saKeyPem, 'service-account key survives a new CA');
  });
});

describe('issueClientCert', () => {
  test('issues certificates for other users, including non-printable names', () => {
    const ca = createCa();
    const jane = issueClientCert(ca, { commonName: 'jane@example.com', organizations: ['dev', 'qa_team'], days: 7 });
    const c = x509(jane.certPem);
    const rdns = c.subject.split('\n');
    assert.ok(rdns.includes('CN=jane@example.com'), c.subject);
    assert.ok(rdns.includes('O=dev') && rdns.includes('O=qa_team'), c.subject);
    assert.ok(c.verify(x509(ca.certPem).publicKey));
    assert.deepEqual(c.keyUsage, [CLIENT_AUTH]);
    const days = (Date.parse(c.validTo) - Date.parse(c.validFrom)) / 86_400_000;
    assert.ok(days > 6.9 && days < 7.1, `7 days, got ${days}`);
  });
});

/** An RSA CA built and signed entirely by forge, standing in for a CA made by another tool. */
function foreignRsaCa(): CertAndKey {
  const keyPem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }) as string;
  const key = forge.pki.privateKeyFromPem(keyPem);
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  cert.serialNumber = '0a';
  cert.validity.notAfter = new Date(Date.now() + 86_400_000 * 30);
  const name = [{ name: 'commonName', value: 'other-ca' }, { name: 'organizationName', value: 'Elsewhere' }];
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true },
    { name: 'keyUsage', keyCertSign: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(key, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem };
}

interface Seen {
  authorized: boolean;
  cn?: string | string[];
  o?: string | string[];
  path?: string;
}

/** An https server on loopback that answers `{}` and records what the client presented. */
async function startRecordingServer(pki: { caCertPem: string; serverCertPem: string; serverKeyPem: string }) {
  const seen: Seen[] = [];
  const server = https.createServer(
    { key: pki.serverKeyPem, cert: pki.serverCertPem, ca: pki.caCertPem, requestCert: true, rejectUnauthorized: false },
    (req, res) => {
      const sock = req.socket as TLSSocket;
      const peer = sock.getPeerCertificate();
      seen.push({ authorized: sock.authorized, cn: peer.subject?.CN, o: peer.subject?.O, path: req.url?.split('?')[0] });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    },
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    seen,
    port,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe('existing RSA CA', () => {
  test('ensurePki reuses a CA made elsewhere and signs leaves with it', async () => {
    const d = join(root, 'rsa-ca');
    const ca = foreignRsaCa();
    await ensurePki(join(d, 'seed'));
    await writeFile(join(d, 'ca.crt'), ca.certPem, { mode: 0o600 });
    await writeFile(join(d, 'ca.key'), ca.keyPem, { mode: 0o600 });
    const p = await ensurePki(d);
    assert.equal(p.generated, false);
    assert.equal(p.caCertPem, ca.certPem);
    const caCert = x509(ca.certPem);
    for (const pem of [p.serverCertPem, p.adminCertPem]) {
      const c = x509(pem);
      assert.ok(c.checkIssued(caCert) && c.verify(caCert.publicKey));
      assert.notEqual(Date.parse(c.validTo), NaN);
      assert.ok(Date.parse(c.validTo) <= Date.parse(caCert.validTo), 'leaf does not outlive its CA');
    }
    const srv = await startRecordingServer(p);
    try {
      await new Promise<void>((resolve, reject) => {
        https
          .get({ host: '127.0.0.1', port: srv.port, path: '/', ca: p.caCertPem, cert: p.adminCertPem, key: p.adminKeyPem, agent: false }, (res) => {
            res.resume();
            res.on('end', resolve);
          })
          .on('error', reject);
      });
      assert.equal(srv.seen.at(-1)?.authorized, true);
    } finally {
      await srv.close();
    }
  });
});

describe('TLS with the generated certificates', () => {
  let pki: Pki;
  let srv: Awaited<ReturnType<typeof startRecordingServer>>;

  before(async () => {
    pki = await ensurePki(join(root, 'tls'));
    srv = await startRecordingServer(pki);
  });
  after(async () => {
    await srv.close();
  });

  function get(client: CertAndKey, host = '127.0.0.1'): Promise<number> {
    return new Promise((resolve, reject) => {
      const req = https.request(
        { host, port: srv.port, path: '/', ca: pki.caCertPem, cert: client.certPem, key: client.keyPem, agent: false },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end();
    });
  }

  test('mutual TLS: the server sees the admin certificate as authorized', async () => {
    assert.equal(await get({ certPem: pki.adminCertPem, keyPem: pki.adminKeyPem }), 200);
    const s = srv.seen.at(-1)!;
    assert.equal(s.authorized, true);
    assert.equal(s.cn, 'minikapi-admin');
    assert.equal(s.o, 'system:masters');
  });

  test('the serving certificate is valid for localhost too', async () => {
    assert.equal(await get({ certPem: pki.adminCertPem, keyPem: pki.adminKeyPem }, 'localhost'), 200);
  });

  test('a certificate from issueClientCert is authorized', async () => {
    const ca = { certPem: pki.caCertPem, keyPem: pki.caKeyPem };
    assert.equal(await get(issueClientCert(ca, { commonName: 'jane', organizations: ['dev'] })), 200);
    const s = srv.seen.at(-1)!;
    assert.equal(s.authorized, true);
    assert.equal(s.cn, 'jane');
    assert.equal(s.o, 'dev');
  });

  test('a client certificate from another CA is not authorized', async () => {
    const other = issueClientCert(createCa(), { commonName: 'mallory', organizations: ['system:masters'] });
    assert.equal(await get(other), 200);
    const s = srv.seen.at(-1)!;
    assert.equal(s.authorized, false);
    assert.equal(s.cn, 'mallory');
  });
});

describe('kubeconfig', () => {
  const input = { name: 'minikapi', server: 'https://127.0.0.1:6443', caPem: 'CA\n', clientCertPem: 'CERT\n', clientKeyPem: 'KEY\n' };

  test('renderKubeconfig embeds base64 credentials under one name', () => {
    const doc = parse(renderKubeconfig(input));
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    assert.deepEqual(doc, {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'minikapi', cluster: { server: input.server, 'certificate-authority-data': b64('CA\n') } }],
      users: [{ name: 'minikapi', user: { 'client-certificate-data': b64('CERT\n'), 'client-key-data': b64('KEY\n') } }],
      contexts: [{ name: 'minikapi', context: { cluster: 'minikapi', user: 'minikapi' } }],
      'current-context': 'minikapi',
      preferences: {},
    });
  });

  test('writeKubeconfig creates parents, writes 0600, replaces atomically', async () => {
    const path = join(root, 'home', '.kube', 'config');
    await writeKubeconfig(path, 'one');
    assert.equal(await readFile(path, 'utf8'), 'one');
    assert.equal(await mode(path), 0o600);
    await writeKubeconfig(path, renderKubeconfig(input));
    assert.equal(parse(await readFile(path, 'utf8'))['current-context'], 'minikapi');
    assert.deepEqual(await readdir(join(root, 'home', '.kube')), ['config'], 'no temp files left');
  });
});

/** The tests need real kubectl: a missing one is a failure, never a skip. */
async function requireKubectl(): Promise<void> {
  try {
    await execFileP('kubectl', ['version', '--client'], { timeout: 10_000 });
  } catch (e) {
    throw new Error(`kubectl is not on PATH (the tests need real kubectl binaries): ${(e as Error).message}`);
  }
}

describe('real kubectl (Go crypto/tls)', async () => {
  await requireKubectl();
  let pki: Pki;
  let srv: Awaited<ReturnType<typeof startRecordingServer>>;
  let home: string;

  before(async () => {
    pki = await ensurePki(join(root, 'kubectl'));
    srv = await startRecordingServer(pki);
    home = join(root, 'kubectl-home');
  });
  after(async () => {
    await srv?.close();
  });

  async function runKubectl(kubeconfig: string, path: string) {
    return execFileP('kubectl', ['--kubeconfig', kubeconfig, 'get', '--raw', path, '--request-timeout=5s'], {
      timeout: 30_000,
      env: { ...process.env, HOME: home, KUBECONFIG: '' },
    });
  }

  for (const host of ['127.0.0.1', 'localhost']) {
    test(`kubectl presents the admin certificate over https://${host}`, async () => {
      const kubeconfig = join(home, `admin-${host}.yaml`);
      await writeKubeconfig(
        kubeconfig,
        renderKubeconfig({
          name: 'minikapi',
          server: `https://${host}:${srv.port}`,
          caPem: pki.caCertPem,
          clientCertPem: pki.adminCertPem,
          clientKeyPem: pki.adminKeyPem,
        }),
      );
      const { stdout } = await runKubectl(kubeconfig, `/x-${host}`);
      assert.equal(stdout.trim(), '{}');
      const s = srv.seen.find((e) => e.path === `/x-${host}`);
      assert.ok(s, `request reached the server: ${JSON.stringify(srv.seen)}`);
      assert.equal(s.authorized, true);
      assert.equal(s.cn, 'minikapi-admin');
      assert.equal(s.o, 'system:masters');
    });
  }

  test('kubectl accepts an issued certificate with a UTF8String subject', async () => {
    const jane = issueClientCert({ certPem: pki.caCertPem, keyPem: pki.caKeyPem }, { commonName: 'jane@example.com', organizations: ['dev'] });
    const kubeconfig = join(home, 'jane.yaml');
    await writeKubeconfig(
      kubeconfig,
      renderKubeconfig({
        name: 'jane',
        server: `https://127.0.0.1:${srv.port}`,
        caPem: pki.caCertPem,
        clientCertPem: jane.certPem,
        clientKeyPem: jane.keyPem,
      }),
    );
    const { stdout } = await runKubectl(kubeconfig, '/jane');
    assert.equal(stdout.trim(), '{}');
    const s = srv.seen.find((e) => e.path === '/jane');
    assert.equal(s?.authorized, true);
    assert.equal(s?.cn, 'jane@example.com');
  });

  test('kubectl refuses the server when the kubeconfig trusts another CA', async () => {
    const kubeconfig = join(home, 'wrong-ca.yaml');
    await writeKubeconfig(
      kubeconfig,
      renderKubeconfig({
        name: 'wrong',
        server: `https://127.0.0.1:${srv.port}`,
        caPem: createCa().certPem,
        clientCertPem: pki.adminCertPem,
        clientKeyPem: pki.adminKeyPem,
      }),
    );
    await assert.rejects(runKubectl(kubeconfig, '/wrong'), (err: Error & { stderr?: string }) => {
      assert.match(err.stderr ?? '', /x509|certificate/i);
      return true;
    });
    assert.equal(srv.seen.find((e) => e.path === '/wrong'), undefined);
  });
});
