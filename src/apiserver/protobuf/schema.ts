import { create, createFileRegistry, type DescField, type DescMessage } from '@bufbuild/protobuf';
import {
  DescriptorProtoSchema,
  FieldDescriptorProtoSchema,
  FieldDescriptorProto_Label as Label,
  FieldDescriptorProto_Type as PbType,
  FileDescriptorProtoSchema,
  FileDescriptorSetSchema,
  MessageOptionsSchema,
  type DescriptorProto,
  type FieldDescriptorProto,
} from '@bufbuild/protobuf/wkt';
import { ALL_GROUPS } from '../../schema/go-types/all.js';
import type { ProtoGroup } from '../../schema/go-types/types.js';

export type { ProtoGroup } from '../../schema/go-types/types.js';

export type ScalarCode = 's' | 'b' | 'i' | 'l' | 'd' | 'y';

export interface FieldSpec {
  name: string;
  number: number;
  shape: 'one' | 'list' | 'map';
  scalar?: ScalarCode;
  /** `ns.Name` of the message type */
  message?: string;
  ptr: boolean;
  keep: boolean;
  inline: boolean;
  omitZero: boolean;
  desc: DescField;
}

export interface MessageSpec {
  key: string;
  special?: string;
  fields: FieldSpec[];
  desc: DescMessage;
}

export interface Schema {
  messages: Map<string, MessageSpec>;
  /** `apiVersion kind` (apiVersion may be `*`) → message */
  roots: Map<string, MessageSpec>;
}

const groups: ProtoGroup[] = ALL_GROUPS;

const SPECIALS = new Set(['time', 'microtime', 'duration', 'quantity', 'intorstring', 'json', 'list', 'orbool', 'orarray', 'orstringarray']);
const SCALARS: Record<ScalarCode, PbType> = {
  s: PbType.STRING, b: PbType.BOOL, i: PbType.INT32, l: PbType.INT64, d: PbType.DOUBLE, y: PbType.BYTES,
};
// JSON names may hold `$` and `-` (JSONSchemaProps' `$ref`, `x-kubernetes-*`).
const FIELD_RE = /^([\w$-]+):(\d+):([[{]?)([\w.]+)([\]}]?)([!*^~]*)$/;
const PKG = 'minikapi.k8s';

type ParsedField = Omit<FieldSpec, 'desc'>;

function parseMessage(ns: string, name: string, text: string): { special?: string; fields: ParsedField[] } {
  const tokens = text.trim().split(/\s+/).filter(Boolean);
  let special: string | undefined;
  if (tokens[0]?.startsWith('@')) {
    special = tokens.shift()!.slice(1);
    if (!SPECIALS.has(special)) throw new Error(`protobuf schema: ${ns}.${name}: unknown special @${special}`);
  }
  const fields = tokens.map((tok): ParsedField => {
    const m = FIELD_RE.exec(tok);
    if (!m) throw new Error(`protobuf schema: ${ns}.${name}: bad field "${tok}"`);
    const [, fname, num, open, type, close, flags] = m as unknown as [string, string, string, string, string, string, string];
    const shape = open === '[' && close === ']' ? 'list' : open === '{' && close === '}' ? 'map' : open || close ? null : 'one';
    if (!shape) throw new Error(`protobuf schema: ${ns}.${name}: bad field "${tok}"`);
    const isScalar = type in SCALARS;
    return {
      name: fname,
      number: Number(num),
      shape,
      scalar: isScalar ? (type as ScalarCode) : undefined,
      message: isScalar ? undefined : type.includes('.') ? type : `${ns}.${type}`,
      ptr: flags.includes('*'),
      keep: flags.includes('!'),
      inline: flags.includes('^'),
      omitZero: flags.includes('~'),
    };
  });
  const seen = new Set<string>();
  for (const k of fields.flatMap((f) => [`#${f.number}`, protoName(f.name)])) {
    if (seen.has(k)) throw new Error(`protobuf schema: ${ns}.${name}: duplicate field ${k}`);
    seen.add(k);
  }
  return { special, fields };
}

const pascal = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
const protoName = (s: string): string => s.replace(/[^A-Za-z0-9_]/g, '_');

function fieldProto(f: ParsedField, typeName: string | undefined, label: Label): FieldDescriptorProto {
  return create(FieldDescriptorProtoSchema, {
    name: protoName(f.name),
    number: f.number,
    label,
    type: f.scalar ? SCALARS[f.scalar] : PbType.MESSAGE,
    typeName,
  });
}

function buildSchema(): Schema {
  const parsed = new Map<string, { ns: string; name: string; special?: string; fields: ParsedField[] }>();
  for (const g of groups) {
    for (const [name, text] of Object.entries(g.messages)) {
      const key = `${g.ns}.${name}`;
      if (parsed.has(key)) throw new Error(`protobuf schema: duplicate message ${key}`);
      parsed.set(key, { ns: g.ns, name, ...parseMessage(g.ns, name, text) });
    }
  }
  // Each namespace becomes a field-less container message so that names only need to be unique per namespace.
  const containers = new Map<string, DescriptorProto>();
  for (const [key, m] of parsed) {
    let container = containers.get(m.ns);
    if (!container) containers.set(m.ns, (container = create(DescriptorProtoSchema, { name: m.ns })));
    const msg = create(DescriptorProtoSchema, { name: m.name });
    for (const f of m.fields) {
      if (f.message && !parsed.has(f.message)) throw new Error(`protobuf schema: ${key}.${f.name}: unknown type ${f.message}`);
      const typeName = f.message ? `.${PKG}.${f.message}` : undefined;
      if (f.shape === 'map') {
        const entry = create(DescriptorProtoSchema, {
          name: `${pascal(protoName(f.name))}Entry`,
          field: [
            fieldProto({ ...f, name: 'key', number: 1, scalar: 's', message: undefined }, undefined, Label.OPTIONAL),
            fieldProto({ ...f, name: 'value', number: 2 }, typeName, Label.OPTIONAL),
          ],
          options: create(MessageOptionsSchema, { mapEntry: true }),
        });
        msg.nestedType.push(entry);
        msg.field.push(fieldProto({ ...f, scalar: undefined }, `.${PKG}.${key}.${entry.name}`, Label.REPEATED));
      } else {
        msg.field.push(fieldProto(f, typeName, f.shape === 'list' ? Label.REPEATED : Label.OPTIONAL));
      }
    }
    container.nestedType.push(msg);
  }
  const file = create(FileDescriptorProtoSchema, {
    name: 'minikapi/k8s.proto',
    package: PKG,
    syntax: 'proto2',
    messageType: [...containers.values()],
  });
  const registry = createFileRegistry(create(FileDescriptorSetSchema, { file: [file] }));

  const messages = new Map<string, MessageSpec>();
  for (const [key, m] of parsed) {
    const desc = registry.getMessage(`${PKG}.${key}`);
    if (!desc) throw new Error(`protobuf schema: ${key} missing from registry`);
    const fields = m.fields.map((f): FieldSpec => {
      const fd = desc.fields.find((x) => x.number === f.number);
      if (!fd) throw new Error(`protobuf schema: ${key}.${f.name} missing from registry`);
      return { ...f, desc: fd };
    });
    messages.set(key, { key, special: m.special, fields, desc });
  }
  const roots = new Map<string, MessageSpec>();
  for (const g of groups) {
    for (const [apiVersion, kinds] of Object.entries(g.kinds)) {
      for (const kind of kinds) {
        const spec = messages.get(`${g.ns}.${kind}`);
        if (!spec) throw new Error(`protobuf schema: root ${apiVersion} ${kind} has no message in ${g.ns}`);
        roots.set(`${apiVersion} ${kind}`, spec);
      }
    }
  }
  return { messages, roots };
}

let schema: Schema | undefined;

/** The decoding schema, built on first use. */
export function getSchema(): Schema {
  return (schema ??= buildSchema());
}
