// Resource definitions and strategies: what the generic store needs to know about one kind.
import type { FieldError } from '../apimachinery/errors.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
export type KObject = Record<string, any>;

import type { AuthorizationServices, UserInfo } from '../auth/types.js';
import type { TablePrinter } from './printers/types.js';

export type { UserInfo } from '../auth/types.js';

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

export const ALL_VERBS: Verb[] = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export interface SubresourceDef {
  /** The path segment; the API server serves it with the handler of that name. */
  name: string;
  /** The kind the subresource speaks (defaults to the parent's). */
  group?: string;
  version?: string;
  kind?: string;
  verbs: Verb[];
}

/** What a write knows about its request: who asks, dry run, where warnings go. */
export interface RequestContext {
  user: UserInfo;
  dryRun: boolean;
  warnings: string[];
  /** Allocators and lookups for strategies that need them (services). */
  services: StrategyServices;
  /** Admission webhooks (and other dynamic admission) the write passes through, when configured. */
  admission?: Admission;
  /** Where admission adds audit annotations (key → value) when the request is audited. */
  auditAnnotations?: Record<string, string>;
  /** The request's audit level, for annotations kept only at Request level and above. */
  auditLevel?: string;
}

/** What a write is, as admission sees it (upstream's admission.Attributes). */
export interface AdmissionAttributes {
  def: ResourceDef;
  operation: 'CREATE' | 'UPDATE' | 'DELETE';
  namespace: string;
  name: string;
  subresource: string;
}

/** Dynamic admission: mutate may change obj in place (returns whether it did); both throw StatusError to refuse. */
export interface Admission {
  /** Whether any webhook's rules name this write at all (cheap; selectors are checked later). */
  interested(which: 'mutating' | 'validating', a: AdmissionAttributes): Promise<boolean>;
  mutate(a: AdmissionAttributes, obj: KObject | undefined, old: KObject | undefined, ctx: RequestContext): Promise<boolean>;
  validate(a: AdmissionAttributes, obj: KObject | undefined, old: KObject | undefined, ctx: RequestContext): Promise<void>;
}

export interface StrategyContext extends RequestContext {
  namespace: string;
  /** On create: the name was generated from metadata.generateName (admission errors name the prefix, as upstream's). */
  nameGenerated?: boolean;
  /** On update: the subresource written (`status`, …), or empty for the object itself. */
  subresource?: string;
}

export interface StrategyServices {
  allocateClusterIP(requested?: string): Promise<string>;
  releaseClusterIP(ip: string): void;
  allocateNodePort(requested?: number): Promise<number>;
  releaseNodePort(port: number): void;
  /** Service-account tokens (TokenRequest, TokenReview), set by the server once it has the signing key. */
  serviceAccountTokens?: ServiceAccountTokenService;
  /** Review answers and RBAC's escalation checks (absent: no authorization wired, as with AlwaysAllow). */
  authorization?: AuthorizationServices;
  /** The PriorityClasses (the Priority admission plugin resolves a pod's class through them). */
  priorityClasses?(): Promise<KObject[]>;
  /** A ServiceAccount, or undefined when there is none (the ServiceAccount admission plugin looks pods' up). */
  serviceAccount?(namespace: string, name: string): Promise<KObject | undefined>;
  /** The default StorageClass's name (DefaultStorageClass admission), if any. */
  defaultStorageClass?(): Promise<string | undefined>;
  /** POSTs a ConversionReview to a CRD's webhook clientConfig as admission webhooks are called (set by the server). */
  callConversionWebhook?(clientConfig: KObject, review: KObject, timeoutSeconds: number): Promise<KObject>;
  /** The enabled admission plugins by upstream name (absent: kube-apiserver's default set). */
  admissionPlugins?: ReadonlySet<string>;
}

export interface ServiceAccountTokenService {
  /** POST serviceaccounts/<name>/token: the TokenRequest answered with its token. */
  request(namespace: string, name: string, tokenRequest: KObject, ctx: RequestContext): Promise<KObject>;
  /** The status of a TokenReview of this token for these audiences (empty: the API audiences). */
  review(token: string, audiences: string[]): Promise<KObject>;
}

export interface Strategy {
  /** Defaults and normalisation on create (after metadata is filled, before validation). */
  prepareForCreate?(obj: KObject, ctx: StrategyContext): void | Promise<void>;
  validate?(obj: KObject, ctx: StrategyContext): FieldError[];
  /** On update of the main resource (not a subresource): e.g. keep status. */
  prepareForUpdate?(obj: KObject, old: KObject, ctx: StrategyContext): void | Promise<void>;
  validateUpdate?(obj: KObject, old: KObject, ctx: StrategyContext): FieldError[];
  /** After validation passed, before the write (upstream's BeginCreate/BeginUpdate): allocations that must not happen for invalid objects. */
  beginCreate?(obj: KObject, ctx: StrategyContext): Promise<void>;
  beginUpdate?(obj: KObject, old: KObject, ctx: StrategyContext): Promise<void>;
  /** Selectable fields beyond metadata.name and metadata.namespace. */
  selectableFields?(obj: KObject): Record<string, string>;
  /**
   * Kinds with their own field label conversion upstream (pods, nodes, secrets, custom resources, ...) refuse a label
   * outside metadata.name, metadata.namespace (namespaced kinds) and selectableFields with this text; kinds without one
   * take metadata.name and metadata.namespace only, with apimachinery's default message.
   */
  unknownFieldLabel?(label: string): string;
  /** Called after the object is gone from storage (release allocations). */
  afterDelete?(obj: KObject, ctx: StrategyContext): void;
  /** Kinds with graceful deletion (pods): seconds the object stays with a deletionTimestamp before it goes; 0 = at once. */
  gracePeriod?(obj: KObject, requested: number | undefined): number;
  /** Refuses a delete by throwing a StatusError (e.g. system objects). */
  beforeDelete?(obj: KObject, ctx: StrategyContext): void;
  /** Finalizers beyond metadata.finalizers that keep a deleted object (namespaces: spec.finalizers). */
  pendingFinalizers?(obj: KObject): string[];
  /** Changes made when deletion starts (namespaces: phase Terminating). */
  prepareForDelete?(obj: KObject): void;
}

export interface ResourceDef {
  group: string;
  version: string;
  resource: string;
  kind: string;
  singular: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  verbs: Verb[];
  /** By name, in discovery order. */
  subresources: ReadonlyMap<string, SubresourceDef>;
  strategy: Strategy;
  /** Storage key prefix, ending in '/'. */
  keyPrefix: string;
  /** metadata.generation is set to 1 on create and bumped on spec changes. */
  generation: boolean;
  /** The main resource keeps status on update; /status keeps everything but status (and labels/annotations). */
  statusSubresource: boolean;
  /** PUT on a missing object creates it. */
  allowCreateOnUpdate: boolean;
  /** Status sent on create is kept (nodes; pods and namespaces set their own) instead of dropped. */
  keepsStatusOnCreate: boolean;
  /** Table columns and rows (`kubectl get`); the default Name/Created At one when absent. */
  printer?: TablePrinter;
  /** Custom resources: no strategic merge patch, schema from the CRD. */
  customResource?: boolean;
  /** What the API server needs from a custom resource's schema (fieldValidation, server-side apply). */
  custom?: CustomResourceHooks;
  /** Sent as a Warning header with every request to this version (deprecated CRD versions). */
  deprecationWarning?: string;
  /** Where the scale subresource finds replicas and the selector (custom resources; built-ins use spec.replicas). */
  scale?: ScalePaths;
  /** DELETE returns the object instead of a Success Status. */
  returnDeletedObject: boolean;
  /** Name validation: DNS-1123 subdomain (default), label, or path segment. */
  nameValidation: 'subdomain' | 'label' | 'path' | 'dns1035';
  /** Objects of this kind are created/updated without storage (review kinds). */
  createOnly?: (obj: KObject, ctx: StrategyContext) => Promise<KObject> | KObject;
  /** For a kind served in several versions over one keyPrefix: converts between this version and the storage version. */
  convert?: StorageConversion;
  /** Read-only kinds computed on each request from stored ones (metrics.k8s.io), never stored themselves. */
  computed?: ComputedReads;
}

/** What a computed kind reads: another kind's objects, as the store lists them. */
export type ObjectReader = (group: string, resource: string) => { get(ns: string, name: string): Promise<KObject>; list(ns: string, opts: { labelSelector?: string; fieldSelector?: string }): Promise<{ items: KObject[] }> };

export interface ComputedReads {
  get(ns: string, name: string, read: ObjectReader): Promise<KObject>;
  list(ns: string, opts: { labelSelector?: string; fieldSelector?: string }, read: ObjectReader): Promise<KObject[]>;
}

export interface CustomResourceHooks {
  /** Drops the fields the schema does not know (mutating obj); returns upstream's `unknown field "x"` texts. */
  prune(obj: KObject): string[];
  /** Server-side apply's type information from the schema (list types, map types). */
  typeNode: unknown;
  /** The CRD is being deleted: new objects are refused. */
  terminating(): boolean;
}

export interface ScalePaths {
  specReplicasPath: string;
  statusReplicasPath: string;
  labelSelectorPath?: string;
}

export interface StorageConversion {
  /** Served object (this def's apiVersion) to the stored form; must not mutate its input. */
  toStorage(obj: KObject): KObject;
  /** Stored form to this def's version (sets apiVersion and kind); may mutate its input. */
  fromStorage(obj: KObject): KObject;
  /** Conversion that calls out (CRD strategy Webhook): the sync pair above then leaves objects as they are. */
  webhook?: AsyncConversion;
}

export interface AsyncConversion {
  /** Stored objects to this def's version in one call (those already in it are not sent); throws a 500 StatusError. */
  fromStorage(objs: KObject[]): Promise<KObject[]>;
  /** An object of any version of the kind to the storage version; throws a 500 StatusError. */
  toStorage(obj: KObject): Promise<KObject>;
}

export function apiVersionOf(def: { group: string; version: string }): string {
  return def.group ? `${def.group}/${def.version}` : def.version;
}
