// Real CRDs and objects from the shared real-world manifests (MINIKAPI_REALWORLD), for tests.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
export const REALWORLD = process.env.MINIKAPI_REALWORLD ?? resolve(REPO_ROOT, '..', 'shared', 'realworld');

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? yamlFiles(p) : n.endsWith('.yaml') ? [p] : [];
  });
}

function docs(file: string): Obj[] {
  return parseAllDocuments(readFileSync(file, 'utf8'))
    .map((d) => d.toJSON())
    .filter((d) => d && typeof d === 'object');
}

function need(): void {
  if (!existsSync(REALWORLD)) throw new Error(`${REALWORLD} is missing: set MINIKAPI_REALWORLD to the shared real-world manifests`);
}

/** Every CustomResourceDefinition of gateway-api, cert-manager and prometheus-operator. */
export function realCRDs(): Obj[] {
  need();
  return ['gateway-api', 'cert-manager', 'prometheus-operator'].flatMap((p) => yamlFiles(join(REALWORLD, p)).flatMap(docs)).filter((d) => d.kind === 'CustomResourceDefinition');
}

/** Every object of the Gateway API standard examples whose kind one of the CRDs defines. */
export function gatewayExamples(): Obj[] {
  need();
  return yamlFiles(join(REALWORLD, 'gateway-api', 'examples')).flatMap(docs).filter((d) => d.apiVersion?.startsWith('gateway.networking.k8s.io/'));
}

/** The CRD serving `apiVersion`/`kind`, and that version's entry. */
export function crdFor(crds: Obj[], apiVersion: string, kind: string): { crd: Obj; version: Obj } {
  const [group, version] = apiVersion.split('/');
  const crd = crds.find((c) => c.spec.group === group && c.spec.names.kind === kind);
  if (!crd) throw new Error(`no CRD for ${apiVersion} ${kind}`);
  const v = crd.spec.versions.find((x: Obj) => x.name === version);
  if (!v) throw new Error(`no version ${version} in ${crd.metadata.name}`);
  return { crd, version: v };
}
