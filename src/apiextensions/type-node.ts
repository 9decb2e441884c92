// Server-side apply type information for custom resources: a structural schema as a managedfields TypeNode
// (x-kubernetes-list-type atomic/set/map with keys, x-kubernetes-map-type, preserve-unknown subtrees deduced,
// metadata typed as ObjectMeta at the root and in embedded resources, as the CRD OpenAPI models make it).
import { DEDUCED, SCHEMA_SEMANTICS, type ChildType, type ListType, type TypeNode, type Value } from '../apimachinery/managedfields/index.js';
import type { Structural } from './types.js';

let objectMeta: TypeNode | undefined;
/** ObjectMeta's type, borrowed from a built-in kind (labels, annotations granular; finalizers a set...). */
function objectMetaType(): TypeNode {
  objectMeta ??= SCHEMA_SEMANTICS.root('', 'v1', 'ConfigMap')?.child('metadata')?.node ?? DEDUCED;
  return objectMeta;
}

class StructuralNode implements TypeNode {
  constructor(
    private readonly s: Structural,
    private readonly resourceRoot: boolean,
  ) {}
  listType(): ListType {
    switch (this.s.xListType) {
      case 'set':
        return { type: 'set' };
      case 'map':
        return { type: 'map', keys: this.s.xListMapKeys ?? [] };
      default:
        return { type: 'atomic' };
    }
  }
  mapAtomic(): boolean {
    return this.s.xMapType === 'atomic';
  }
  child(name: string): ChildType | undefined {
    if ((this.resourceRoot || this.s.xEmbeddedResource) && name === 'metadata') return { node: objectMetaType(), declared: true };
    const prop = this.s.properties?.[name];
    if (prop) return { node: nodeFor(prop), declared: true };
    const ap = this.s.additionalProperties;
    if (ap?.schema) return { node: nodeFor(ap.schema), declared: false };
    if (ap?.allows || this.s.xPreserveUnknownFields) return { node: DEDUCED, declared: false };
    if ((this.resourceRoot || this.s.xEmbeddedResource) && (name === 'apiVersion' || name === 'kind')) return { node: DEDUCED, declared: true };
    return undefined;
  }
  item(): TypeNode {
    return this.s.items ? nodeFor(this.s.items) : DEDUCED;
  }
  keyDefault(name: string): Value | undefined {
    return this.s.items?.properties?.[name]?.default as Value | undefined;
  }
  patchStrategy(): string | undefined {
    return undefined;
  }
  patchMergeKey(): string | undefined {
    return undefined;
  }
}

function nodeFor(s: Structural): TypeNode {
  // a preserve-unknown-fields leaf without declared structure is deduced, as upstream's schema conversion makes it
  if (s.xPreserveUnknownFields && !s.properties && !s.additionalProperties && !s.items) return DEDUCED;
  if (s.xIntOrString) return DEDUCED;
  return new StructuralNode(s, false);
}

/** The TypeNode of a custom resource whose version schema is `structural` (DEDUCED without a schema). */
export function typeNodeFromSchema(structural: Structural | undefined): TypeNode {
  return structural ? new StructuralNode(structural, true) : DEDUCED;
}
