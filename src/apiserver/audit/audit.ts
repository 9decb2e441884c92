// Audit events as kube-apiserver writes them to --audit-log-path: audit.k8s.io/v1 Event JSON lines at the
// stages and level the policy asks, with the request and response objects from level Request on.
import { RotatingFile, type RotationOptions } from './rotating-file.js';
import type { UserInfo } from '../../auth/types.js';
import type { RequestInfo } from '../request-info.js';
import type { AuditConfig, AuditPolicy, AuditStage } from './policy.js';

/** What the filters and handlers learn about an audited request while it runs. */
export interface AuditRecord {
  id: string;
  config: AuditConfig;
  received: Date;
  decision?: { allowed: boolean; reason: string };
  impersonated?: UserInfo;
  requestBody?: { body: Buffer; contentType: string };
  /** Annotations admission adds (validating admission policies' auditAnnotations and Audit actions). */
  annotations?: Record<string, string>;
}

/** Go's metav1.MicroTime: RFC 3339 with six fractional digits, in UTC. */
export function microTime(d: Date, extraMicros = 0): string {
  const iso = d.toISOString();
  return `${iso.slice(0, 19)}.${iso.slice(20, 23)}${String(extraMicros).padStart(3, '0')}Z`;
}

function userJSON(u: UserInfo): Record<string, unknown> {
  const out: Record<string, unknown> = { username: u.username };
  if (u.uid) out.uid = u.uid;
  if (u.groups?.length) out.groups = u.groups;
  if (u.extra && Object.keys(u.extra).length) out.extra = u.extra;
  return out;
}

function withoutManagedFields(o: unknown): unknown {
  if (!o || typeof o !== 'object') return o;
  const obj = o as Record<string, unknown>;
  if (Array.isArray(obj.items)) return { ...obj, items: obj.items.map(withoutManagedFields) };
  const meta = obj.metadata as Record<string, unknown> | undefined;
  if (!meta || meta.managedFields === undefined) return o;
  const { managedFields: _drop, ...rest } = meta;
  return { ...obj, metadata: rest };
}

export interface AuditEventInput {
  stage: AuditStage;
  record: AuditRecord;
  info: RequestInfo;
  requestURI: string;
  method: string;
  user: UserInfo;
  sourceIP: string;
  userAgent: string;
  status?: Record<string, unknown>;
  responseObject?: unknown;
}

export class AuditLog {
  private readonly file?: RotatingFile;

  constructor(
    readonly policy: AuditPolicy,
    path: string,
    rotation: RotationOptions = {},
  ) {
    if (path !== '-') this.file = new RotatingFile(path, rotation);
  }

  /** One event, its fields in the Go struct's order. */
  write(e: AuditEventInput): void {
    const { record, info } = e;
    if (record.config.omitStages.has(e.stage)) return;
    const level = record.config.level;
    const ev: Record<string, unknown> = { kind: 'Event', apiVersion: 'audit.k8s.io/v1', level, auditID: record.id, stage: e.stage, requestURI: e.requestURI };
    ev.verb = info.isResourceRequest ? info.verb : e.method.toLowerCase();
    ev.user = userJSON(e.user);
    if (record.impersonated) ev.impersonatedUser = userJSON(record.impersonated);
    ev.sourceIPs = [e.sourceIP];
    if (e.userAgent) ev.userAgent = e.userAgent.length > 1024 ? `${e.userAgent.slice(0, 1024)}...TRUNCATED` : e.userAgent;
    const sent = record.requestBody && e.stage !== 'RequestReceived' ? decodeBody(record.requestBody) : undefined;
    if (info.isResourceRequest) {
      // as upstream's LogRequestObject: a create or update names the object it sent where the URL does not
      const meta = (info.verb === 'create' || info.verb === 'update') && sent && typeof sent === 'object' ? ((sent as Record<string, unknown>).metadata as Record<string, string> | undefined) : undefined;
      const ref: Record<string, unknown> = { resource: info.resource };
      const namespace = info.namespace || meta?.namespace;
      const name = info.name || meta?.name;
      if (namespace) ref.namespace = namespace;
      if (name) ref.name = name;
      if (meta?.uid) ref.uid = meta.uid;
      if (info.apiGroup) ref.apiGroup = info.apiGroup;
      ref.apiVersion = info.apiVersion;
      if (meta?.resourceVersion) ref.resourceVersion = meta.resourceVersion;
      if (info.subresource) ref.subresource = info.subresource;
      ev.objectRef = ref;
    }
    if (e.status) ev.responseStatus = e.status;
    if ((level === 'Request' || level === 'RequestResponse') && sent !== undefined) ev.requestObject = record.config.omitManagedFields ? withoutManagedFields(sent) : sent;
    if (level === 'RequestResponse' && e.responseObject !== undefined) ev.responseObject = record.config.omitManagedFields ? withoutManagedFields(e.responseObject) : e.responseObject;
    ev.requestReceivedTimestamp = microTime(record.received);
    ev.stageTimestamp = e.stage === 'RequestReceived' ? ev.requestReceivedTimestamp : microTime(new Date());
    if (e.stage !== 'RequestReceived') {
      const a: Record<string, string> = { ...record.annotations };
      if (record.decision) Object.assign(a, { 'authorization.k8s.io/decision': record.decision.allowed ? 'allow' : 'forbid', 'authorization.k8s.io/reason': record.decision.reason });
      // a Go map: keys in sorted order
      if (Object.keys(a).length) ev.annotations = Object.fromEntries(Object.entries(a).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)));
    }
    const line = JSON.stringify(ev) + '\n';
    if (this.file) this.file.write(line);
    else process.stdout.write(line);
  }

  close(): Promise<void> {
    this.file?.close();
    return Promise.resolve();
  }
}

function decodeBody(b: { body: Buffer; contentType: string }): unknown {
  if (b.body.length === 0) return undefined;
  if (!b.contentType.includes('json') && b.contentType !== '') return undefined;
  try {
    return JSON.parse(b.body.toString('utf8'));
  } catch {
    return undefined;
  }
}
