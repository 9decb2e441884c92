// The Go type tables of every built-in kind: field order, JSON names, protobuf numbers and Go tags.

/**
 * One namespace of message descriptors in a compact text form: each message is a list of
 * whitespace-separated fields `jsonName:number:type` followed by flags, optionally preceded by
 * `@special` (a type with custom JSON: time, microtime, duration, quantity, intorstring, json, list, and
 * apiextensions' orbool, orarray, orstringarray).
 * type: s string, b bool, i int32, l int64, d double, y bytes, or a message (`Name` in this namespace,
 * `ns.Name` elsewhere); `[T]` repeated, `{T}` map<string, T>.
 * Flags mirror the Go struct field: `*` pointer (emitted iff on the wire), `!` no omitempty
 * (emitted even when zero; absent lists/maps/bytes/pointers become null), `^` embedded inline in
 * the JSON, `~` omitzero. Unflagged scalars/lists/maps are omitempty; unflagged messages are value
 * structs, which Go always emits.
 */
export interface ProtoGroup {
  ns: string;
  /** apiVersion (or `*` for any) → kinds decoded with the message of the same name */
  kinds: Record<string, string[]>;
  messages: Record<string, string>;
}
