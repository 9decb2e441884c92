import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ensureDir, writeFileAtomic } from './atomic-write.js';
import {
  ADMIN_COMMON_NAME,
  ADMIN_ORGANIZATION,
  createCa,
  generateServiceAccountKeyPairAsync,
  issueClientCert,
  issueServingCert,
  leafIsUsable,
  publicKeyToPem,
  servingCertCovers,
  type CertificateAuthority,
} from './certs.js';

export interface Pki {
  /** Absolute path of the directory holding the files. */
  dir: string;
  caCertPem: string;
  caKeyPem: string;
  serverCertPem: string;
  serverKeyPem: string;
  adminCertPem: string;
  adminKeyPem: string;
  /** Service-account token signing key (PKCS#8) and its public key (SPKI). */
  saKeyPem: string;
  saPubPem: string;
  /** True when this call created a new cluster CA. */
  generated: boolean;
  /** File names written by this call (empty when everything was reused). */
  written: string[];
}

export interface EnsurePkiOptions {
  /** Extra DNS names or IPs for the serving certificate, e.g. the --host address. */
  hosts?: string[];
}

export const PKI_FILES = {
  caCert: 'ca.crt',
  caKey: 'ca.key',
  serverCert: 'server.crt',
  serverKey: 'server.key',
  adminCert: 'admin.crt',
  adminKey: 'admin.key',
  saKey: 'sa.key',
  saPub: 'sa.pub',
} as const;

type FileKey = keyof typeof PKI_FILES;

/**
 * Loads the cluster PKI from `dataDir`, creating whatever is missing. An existing CA is always
 * reused so earlier kubeconfigs keep working; leaf certificates are re-issued from it when missing,
 * broken, close to expiry, or (serving cert) lacking a requested host/IP.
 */
export async function ensurePki(dataDir: string, opts: EnsurePkiOptions = {}): Promise<Pki> {
  const dir = resolve(dataDir);
  const hosts = opts.hosts ?? [];
  try {
    await ensureDir(dir, 0o700);
  } catch (err) {
    throw notWritable(dir, err);
  }
  const existing = await readAll(dir);
  const out = {} as Record<FileKey, string>;
  const toWrite = new Set<FileKey>();
  const put = (k: FileKey, v: string) => {
    out[k] = v;
    toWrite.add(k);
  };

  // the RSA key takes longest: generated in the thread pool while the certificates are made here
  const saPair = existing.saKey === undefined ? generateServiceAccountKeyPairAsync() : undefined;
  saPair?.catch(() => {});
  let generated = false;
  if (existing.caCert === undefined) {
    // No ca.crt means no CA was ever completed here (it is written last), so start a new one.
    const ca = createCa();
    put('caCert', ca.certPem);
    put('caKey', ca.keyPem);
    generated = true;
  } else if (existing.caKey === undefined) {
    throw new Error(
      `${join(dir, PKI_FILES.caCert)} exists but ${PKI_FILES.caKey} is missing; restore ca.key, or delete ca.crt to create a new CA (existing kubeconfigs will stop working)`,
    );
  } else {
    assertCaPair(dir, existing.caCert, existing.caKey);
    out.caCert = existing.caCert;
    out.caKey = existing.caKey;
  }
  const ca: CertificateAuthority = { certPem: out.caCert, keyPem: out.caKey };

  const reuse = (certKey: FileKey, keyKey: FileKey, extraCheck: (certPem: string) => boolean): boolean => {
    const c = existing[certKey];
    const k = existing[keyKey];
    if (generated || c === undefined || k === undefined || !leafIsUsable(c, k, ca.certPem) || !extraCheck(c)) return false;
    out[certKey] = c;
    out[keyKey] = k;
    return true;
  };

  if (!reuse('serverCert', 'serverKey', (c) => servingCertCovers(c, hosts))) {
    const s = issueServingCert(ca, { hosts });
    put('serverCert', s.certPem);
    put('serverKey', s.keyPem);
  }
  if (!reuse('adminCert', 'adminKey', isAdminCert)) {
    const a = issueClientCert(ca, { commonName: ADMIN_COMMON_NAME, organizations: [ADMIN_ORGANIZATION] });
    put('adminCert', a.certPem);
    put('adminKey', a.keyPem);
  }

  // The service-account key is independent of the CA: keep it even across a new CA so tokens stay valid.
  if (existing.saKey !== undefined) {
    let pub: string;
    try {
      pub = publicKeyToPem(createPrivateKey(existing.saKey));
    } catch (err) {
      throw new Error(
        `${join(dir, PKI_FILES.saKey)} cannot be parsed (${(err as Error).message}); delete sa.key and sa.pub to create a new pair (issued service-account tokens will stop working)`,
      );
    }
    out.saKey = existing.saKey;
    if (existing.saPub !== undefined && samePublicKey(existing.saPub, pub)) out.saPub = existing.saPub;
    else put('saPub', pub);
  } else {
    const sa = await saPair!;
    put('saKey', sa.privateKeyPem);
    put('saPub', sa.publicKeyPem);
  }

  const written: string[] = [];
  const write = async (k: FileKey) => {
    await writeFileAtomic(join(dir, PKI_FILES[k]), out[k], 0o600);
    written.push(PKI_FILES[k]);
  };
  try {
    await Promise.all([...toWrite].filter((k) => k !== 'caCert').map(write));
    // ca.crt last: its presence marks a completed CA, so an interrupted first start is redone cleanly.
    if (toWrite.has('caCert')) await write('caCert');
  } catch (err) {
    throw notWritable(dir, err);
  }

  return {
    dir,
    caCertPem: out.caCert,
    caKeyPem: out.caKey,
    serverCertPem: out.serverCert,
    serverKeyPem: out.serverKey,
    adminCertPem: out.adminCert,
    adminKeyPem: out.adminKey,
    saKeyPem: out.saKey,
    saPubPem: out.saPub,
    generated,
    written: written.sort(),
  };
}

async function readAll(dir: string): Promise<Partial<Record<FileKey, string>>> {
  const entries = await Promise.all(
    (Object.keys(PKI_FILES) as FileKey[]).map(async (k) => {
      const path = join(dir, PKI_FILES[k]);
      try {
        return [k, await readFile(path, 'utf8')] as const;
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') return [k, undefined] as const;
        throw new Error(`cannot read ${path} (${code ?? (err as Error).message}); fix its permissions or choose another data directory`, {
          cause: err,
        });
      }
    }),
  );
  const files: Partial<Record<FileKey, string>> = {};
  for (const [k, v] of entries) if (v !== undefined && v.trim() !== '') files[k] = v;
  return files;
}

function assertCaPair(dir: string, certPem: string, keyPem: string): void {
  let ok = false;
  try {
    const cert = new X509Certificate(certPem);
    ok = cert.ca && cert.checkPrivateKey(createPrivateKey(keyPem));
  } catch {
    ok = false;
  }
  if (!ok) {
    throw new Error(
      `${join(dir, PKI_FILES.caCert)} and ${PKI_FILES.caKey} are not a valid CA certificate and matching key; restore them, or delete both to create a new CA (existing kubeconfigs will stop working)`,
    );
  }
}

function isAdminCert(certPem: string): boolean {
  const subject = new X509Certificate(certPem).subject.split('\n');
  return subject.includes(`CN=${ADMIN_COMMON_NAME}`) && subject.includes(`O=${ADMIN_ORGANIZATION}`);
}

function samePublicKey(a: string, b: string): boolean {
  try {
    return createPublicKey(a).equals(createPublicKey(b));
  } catch {
    return false;
  }
}

function notWritable(dir: string, err: unknown): Error {
  const e = err as NodeJS.ErrnoException;
  const reason = e.code ? `${e.code}${e.syscall ? ` on ${e.syscall}` : ''}` : e.message;
  return new Error(
    `cannot write certificates to ${dir} (${reason}); make the directory writable or choose another data directory`,
    { cause: err },
  );
}
