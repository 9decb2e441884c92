// Kubernetes format library: named string formats (DNS names, label values, URI, UUID, base64, dates).
import { DNS1035_LABEL_MSG, DNS1123_LABEL_MSG, DNS1123_SUBDOMAIN_MSG } from '../apimachinery/validation.js';
import { labelValueErrors, qualifiedNameErrors } from '../apimachinery/selectors.js';
import { fn, memberOverload, overload, type FunctionDecl } from './decls.js';
import { parseRequestUri } from './lib-url.js';
import { STRING, listOf, optionalOf, structType } from './types.js';
import { ArrayList, CelError, OpaqueValue, Optional, type Val } from './values.js';

export const FORMAT_TYPE = structType('kubernetes.NamedFormat');

const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{4})$/;
const TIME = /^([0-9]{2}):([0-9]{2}):([0-9]{2})(.[0-9]+)?(z|([+-][0-9]{2}:[0-9]{2}))$/;

/** apimachinery's maskTrailingDash, used when a name is a generateName prefix. */
const mask = (s: string, prefix: boolean) => (prefix && s.length > 1 && s.endsWith('-') ? `${s.slice(0, -1)}a` : s);

function dns1123Label(s: string): string[] {
  const errs: string[] = [];
  if (s.length > 63) errs.push('must be no more than 63 characters');
  if (!LABEL.test(s)) errs.push(SUBDOMAIN.test(s) ? 'must not contain dots' : DNS1123_LABEL_MSG);
  return errs;
}

function dns1123Subdomain(s: string): string[] {
  const errs: string[] = [];
  if (s.length > 253) errs.push('must be no more than 253 characters');
  if (!SUBDOMAIN.test(s)) errs.push(DNS1123_SUBDOMAIN_MSG);
  return errs;
}

function dns1035Label(s: string): string[] {
  const errs: string[] = [];
  if (s.length > 63) errs.push('must be no more than 63 characters');
  if (!DNS1035.test(s)) errs.push(DNS1035_LABEL_MSG);
  return errs;
}

/** strfmt's IsDate: Go's time.Parse("2006-01-02"). */
function isDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1) return false;
  return d <= new Date(Date.UTC(y, mo, 0)).getUTCDate();
}

function isDateTime(s: string): boolean {
  if (s.length < 4) return false;
  const parts = s.toLowerCase().split('t');
  if (parts.length < 2 || !isDate(parts[0])) return false;
  const m = TIME.exec(parts[1]);
  return !!m && m[1] <= '23' && m[2] <= '59' && m[3] <= '59';
}

interface FormatDef {
  name: string;
  validate: (s: string) => string[];
  maxRegexSize: number;
}

export const FORMATS: Record<string, FormatDef> = {
  dns1123Label: { name: 'DNS1123Label', validate: (s) => dns1123Label(s), maxRegexSize: 30 },
  dns1123Subdomain: { name: 'DNS1123Subdomain', validate: (s) => dns1123Subdomain(s), maxRegexSize: 60 },
  dns1035Label: { name: 'DNS1035Label', validate: (s) => dns1035Label(s), maxRegexSize: 30 },
  qualifiedName: { name: 'QualifiedName', validate: qualifiedNameErrors, maxRegexSize: 60 },
  dns1123LabelPrefix: { name: 'DNS1123LabelPrefix', validate: (s) => dns1123Label(mask(s, true)), maxRegexSize: 30 },
  dns1123SubdomainPrefix: { name: 'DNS1123SubdomainPrefix', validate: (s) => dns1123Subdomain(mask(s, true)), maxRegexSize: 60 },
  dns1035LabelPrefix: { name: 'DNS1035LabelPrefix', validate: (s) => dns1035Label(mask(s, true)), maxRegexSize: 30 },
  labelValue: { name: 'LabelValue', validate: labelValueErrors, maxRegexSize: 40 },
  uri: {
    name: 'URI',
    validate: (s) => {
      const err = parseRequestUri(s);
      return err === undefined ? [] : [err];
    },
    maxRegexSize: 1103,
  },
  uuid: { name: 'uuid', validate: (s) => (UUID.test(s) ? [] : ['does not match the UUID format']), maxRegexSize: 70 },
  byte: { name: 'byte', validate: (s) => (BASE64.test(s) ? [] : ['invalid base64']), maxRegexSize: 84 },
  date: { name: 'date', validate: (s) => (isDate(s) ? [] : ['invalid date']), maxRegexSize: 71 },
  datetime: { name: 'datetime', validate: (s) => (isDateTime(s) ? [] : ['invalid datetime']), maxRegexSize: 71 },
};

export class FormatValue extends OpaqueValue {
  readonly celType = FORMAT_TYPE;
  constructor(readonly def: FormatDef) {
    super();
  }
  override equals(other: Val): boolean {
    return other instanceof FormatValue && other.def.name === this.def.name;
  }
}

export const FORMAT_LIBRARY: FunctionDecl[] = [
  fn('validate', [memberOverload('format-validate', [FORMAT_TYPE, STRING], optionalOf(listOf(STRING)), ([f, s]) => {
    if (!(f instanceof FormatValue)) return new CelError('no such overload');
    const errs = f.def.validate(s as string);
    return errs.length === 0 ? Optional.NONE : Optional.of(new ArrayList(errs));
  })]),
  fn('format.named', [overload('format-named', [STRING], optionalOf(FORMAT_TYPE), ([n]) => {
    const def = Object.hasOwn(FORMATS, n as string) ? FORMATS[n as string] : undefined;
    return def ? Optional.of(new FormatValue(def)) : Optional.NONE;
  })]),
  ...Object.entries(FORMATS).map(([n, def]) => fn(`format.${n}`, [overload(`format.${n}`, [], FORMAT_TYPE, () => new FormatValue(def))])),
];
