// Descriptors of the gnostic messages in gnostic.ts, to decode what the server sends (tests and tooling only:
// loading @bufbuild/protobuf/wkt costs ~100 ms, which the encoder avoids).
import { create, createFileRegistry, fromBinary, type DescMessage, type Message } from '@bufbuild/protobuf';
import {
  DescriptorProtoSchema,
  FieldDescriptorProtoSchema,
  FieldDescriptorProto_Label as Label,
  FieldDescriptorProto_Type as PbType,
  FileDescriptorProtoSchema,
  FileDescriptorSetSchema,
  OneofDescriptorProtoSchema,
} from '@bufbuild/protobuf/wkt';
import { MESSAGES, parseMessages } from './gnostic.js';
import type { Json } from './v3.js';

const PKG = 'openapi.v2';
const SCALARS: Record<string, PbType> = { s: PbType.STRING, b: PbType.BOOL, d: PbType.DOUBLE, i: PbType.INT64 };

function build(): Map<string, DescMessage> {
  const messageType = [...parseMessages().entries()].map(([name, fs]) => {
    const msg = create(DescriptorProtoSchema, { name });
    for (const p of fs) {
      const scalar = SCALARS[p.type];
      const f = create(FieldDescriptorProtoSchema, {
        name: p.name,
        jsonName: p.name,
        number: p.number,
        label: p.repeated ? Label.REPEATED : Label.OPTIONAL,
        type: scalar ?? PbType.MESSAGE,
        typeName: scalar ? undefined : `.${PKG}.${p.type}`,
      });
      if (p.inOneof) f.oneofIndex = 0;
      msg.field.push(f);
    }
    if (fs.some((p) => p.inOneof)) msg.oneofDecl.push(create(OneofDescriptorProtoSchema, { name: 'oneof' }));
    return msg;
  });
  const file = create(FileDescriptorProtoSchema, { name: 'minikapi/openapiv2.proto', package: PKG, syntax: 'proto3', messageType });
  const reg = createFileRegistry(create(FileDescriptorSetSchema, { file: [file] }));
  return new Map(Object.keys(MESSAGES).map((n) => [n, reg.getMessage(`${PKG}.${n}`)!]));
}

let descs: Map<string, DescMessage> | undefined;

export function gnosticMessage(name: string): DescMessage {
  descs ??= build();
  const d = descs.get(name);
  if (!d) throw new Error(`gnostic: no message ${name}`);
  return d;
}

/** Decodes a gnostic openapi_v2.Document. */
export function decodeV2(bytes: Uint8Array): Message & Json {
  return fromBinary(gnosticMessage('Document'), bytes) as Message & Json;
}
