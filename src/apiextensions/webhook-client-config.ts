// webhook.ValidateWebhookURL / ValidateWebhookService as the conversion webhook's clientConfig is checked.
import { type FieldError, invalid, required } from '../apimachinery/errors.js';
import { dns1123SubdomainErrors } from '../apimachinery/validation.js';

const FORM = '; desired format: https://host[/path]';

export function validateWebhookURL(p: string, url: string): FieldError[] {
  const errs: FieldError[] = [];
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(url)?.[1] ?? '';
    if (scheme !== 'https') errs.push(invalid(p, scheme, `'https' is the only allowed URL scheme${FORM}`));
    errs.push(invalid(p, '', `host must be specified${FORM}`));
    return errs;
  }
  if (u.protocol !== 'https:') errs.push(invalid(p, u.protocol.replace(/:$/, ''), `'https' is the only allowed URL scheme${FORM}`));
  if (!u.host) errs.push(invalid(p, u.host, `host must be specified${FORM}`));
  if (u.username || u.password) errs.push(invalid(p, u.password ? `${u.username}:xxxxx` : u.username, 'user information is not permitted in the URL'));
  if (u.hash) errs.push(invalid(p, u.hash.slice(1), 'fragments are not permitted in the URL'));
  if (u.search) errs.push(invalid(p, u.search.slice(1), 'query parameters are not permitted in the URL'));
  return errs;
}

export function validateWebhookService(p: string, svc: { name?: string; namespace?: string; path?: string; port?: number }): FieldError[] {
  const errs: FieldError[] = [];
  if (!svc.name) errs.push(required(`${p}.name`, 'service name is required'));
  if (!svc.namespace) errs.push(required(`${p}.namespace`, 'service namespace is required'));
  const port = svc.port ?? 443;
  if (!(port >= 1 && port <= 65535)) errs.push(invalid(`${p}.port`, port, 'port is not valid: must be between 1 and 65535, inclusive'));
  const path = svc.path;
  if (path === undefined || path === null || path === '' || path === '/') return errs;
  if (path === '//') return [...errs, invalid(`${p}.path`, path, 'segment[0] may not be empty')];
  if (!path.startsWith('/')) errs.push(invalid(`${p}.path`, path, "must start with a '/'"));
  let check = path.slice(1);
  if (check.endsWith('/')) check = check.slice(0, -1);
  check.split('/').forEach((step, i) => {
    if (!step) errs.push(invalid(`${p}.path`, path, `segment[${i}] may not be empty`));
    else for (const f of dns1123SubdomainErrors(step)) errs.push(invalid(`${p}.path`, path, `segment[${i}]: ${f}`));
  });
  return errs;
}

/** webhook.ValidateCABundle: the bundle must hold at least one PEM certificate. */
export function validateCABundle(p: string, caBundle: string): FieldError[] {
  const pem = Buffer.from(caBundle, 'base64').toString('latin1');
  return /-----BEGIN CERTIFICATE-----/.test(pem) ? [] : [invalid(p, caBundle, 'unable to load root certificates: unable to parse bytes as PEM block')];
}
