import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { GoTemplate, TemplateError } from './go-template.js';
import { templateFuncs } from './go-template-funcs.js';

const funcs = templateFuncs('v1.33.0');
const render = (src: string, data: unknown, extra = {}) => GoTemplate.parse(src, { ...funcs, ...extra }).execute(data, extra);
const parseError = (src: string) => {
  try {
    GoTemplate.parse(src, funcs);
  } catch (e) {
    assert.ok(e instanceof TemplateError);
    return (e as Error).message;
  }
  assert.fail('parsed');
};

const pod = {
  metadata: { name: 'p', annotations: { 'a/b': 'x' } },
  spec: { nodeName: 'n1', containers: [{ name: 'c1', image: 'nginx' }, { name: 'c2', image: 'busybox' }], initContainers: [{ name: 'i', image: 'x', restartPolicy: 'Always' }] },
  status: { containerStatuses: [{ name: 'c1', restartCount: 2 }] },
};

describe('Go text/template subset', () => {
  test('field chains, missing keys print <no value>, Quote of a missing value is "null" as in kwok', () => {
    assert.equal(render('{{ .metadata.name }} {{ .spec.nodeName }} {{ .spec.missing.deeper }}', pod), 'p n1 <no value>');
    assert.equal(render('{{ .spec.hostNetwork | Quote }}', pod), '"null"');
    assert.equal(render('{{ .metadata.name | Quote }}', pod), '"p"');
    assert.equal(render('{{ 3 | Quote }}', pod), '"3"');
  });
  test('variables, range with index and element, index and add on the original status', () => {
    const src = '{{ $root := . }}{{ range $i, $c := .spec.containers }}{{ $i }}={{ $c.name }}:{{ with index $root.status.containerStatuses 0 }}{{ add .restartCount 1 }}{{ end }};{{ end }}';
    assert.equal(render(src, pod), '0=c1:3;1=c2:3;');
  });
  test('if / else if / else with eq over a missing field, and trim markers', () => {
    const src = '{{- range .spec.initContainers }}\n  {{- if eq .restartPolicy "Never" }}never{{ else if eq .restartPolicy "Always" }}always{{ else }}other{{ end -}}\n{{ end }}';
    assert.equal(render(src, pod), 'always');
    assert.equal(render('{{ if eq .nope "Always" }}y{{ else }}n{{ end }}', pod), 'n');
  });
  test('with/else, or/and return an operand, not and len', () => {
    assert.equal(render('{{ with .status.addresses }}has{{ else }}none{{ end }}', pod), 'none');
    assert.equal(render('{{ or .spec.hostNetwork false }} {{ or .metadata.uid "" | Quote }} {{ and 1 "x" }}', pod), 'false "" x');
    assert.equal(render('{{ not .spec.hostNetwork }} {{ len .spec.containers }}', pod), 'true 2');
  });
  test('range over a map goes in key order; range over nothing runs else; break and continue', () => {
    assert.equal(render('{{ range $k, $v := . }}{{ $k }}{{ $v }}{{ end }}', { b: 2, a: 1 }), 'a1b2');
    assert.equal(render('{{ range .x }}y{{ else }}empty{{ end }}', {}), 'empty');
    assert.equal(render('{{ range . }}{{ if eq . 2 }}{{ continue }}{{ end }}{{ if eq . 4 }}{{ break }}{{ end }}{{ . }}{{ end }}', [1, 2, 3, 4, 5]), '13');
  });
  test("kwok's functions: dict/index on annotations with dashes, NodeConditions, YAML with indent, printf", () => {
    assert.equal(render('{{ $a := or .metadata.annotations dict }}{{ or (index $a "a/b") "d" }} {{ or (index $a "c") "d" }}', pod), 'x d');
    assert.equal(render('{{ range NodeConditions }}{{ .type }},{{ end }}', {}), 'Ready,MemoryPressure,DiskPressure,PIDPressure,NetworkUnavailable,');
    assert.equal(render('a:\n{{ YAML . 1 }}', [{ type: 'InternalIP', address: '10.0.0.1' }]), 'a:\n\n  - address: 10.0.0.1\n    type: InternalIP\n  ');
    assert.equal(render('{{ printf "%s-%d %q" "a" 7 "b" }}', {}), 'a-7 "b"');
  });
  test('per-object functions are passed at execution', () => {
    assert.equal(render('{{ PodIPWith .spec.nodeName false "" "" "" }}', pod, { PodIPWith: (n: unknown) => `ip-of-${n}` }), 'ip-of-n1');
  });
  test('Now is RFC 3339 in UTC', () => {
    assert.match(render('{{ Now }}', {}), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
  });
  test('parse errors name the line and column: unknown function, unclosed block, unsupported {{template}}', () => {
    assert.equal(parseError('a: 1\nb: {{ Foo . }}'), '2:7: function "Foo" not defined');
    assert.equal(parseError('{{ if .a }}x'), 'unexpected EOF: {{if}} is not closed by {{end}}');
    assert.equal(parseError('x\n  {{ template "t" . }}'), '2:3: {{template}} is not supported by minikapi\'s template engine');
    assert.equal(parseError('{{ end }}'), '1:1: unexpected {{end}}');
    assert.equal(parseError('{{ "abc }}'), '1:4: unterminated quoted string');
  });
  test('execution errors: index out of range, index of nil, field of a string, undefined variable', () => {
    assert.throws(() => render('{{ index .spec.containers 5 }}', pod), { message: '1:4: error calling index: index out of range: 5' });
    assert.throws(() => render('{{ index .status.nope 0 }}', pod), { message: '1:4: error calling index: index of untyped nil' });
    assert.throws(() => render('{{ .metadata.name.x }}', pod), { message: "1:4: can't evaluate field x in type string" });
    assert.throws(() => render('{{ $nope }}', pod), { message: '1:4: undefined variable: $nope' });
  });
});
