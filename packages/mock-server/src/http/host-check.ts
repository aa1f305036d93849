import { isIP } from 'node:net';
import { errorResponse, RequestRefusal } from './answer.js';

/**
 * Whether a request's `Host` names this server, against DNS rebinding (a page on another site whose name is made
 * to point at 127.0.0.1): an IP address (rebinding needs a name), a localhost name (`localhost`, `*.localhost`), or
 * one of `allowed` (the name the server listens on, and `--allowed-host`'s), compared without the port and case; a
 * leading dot (`.example.test`) allows that name and its subdomains, as Vite's `server.allowedHosts` does. A request
 * without `Host` (no browser sends one) is let through.
 *
 * @example
 * isAllowedHost('attacker.example:4010', ['127.0.0.1']); // false
 * isAllowedHost('sandbox.ci:4010', ['.ci']); // true
 */
export function isAllowedHost(host: string | undefined, allowed: readonly string[]): boolean {
  if (host === undefined || host === '') return true;
  const name = hostName(host);
  if (name.startsWith('[') || isIP(name) !== 0) return true;
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  return allowed.some((entry) => {
    const wanted = hostName(entry);
    return wanted.startsWith('.') ? name === wanted.slice(1) || name.endsWith(wanted) : name === wanted;
  });
}

/**
 * The 403 answer to a request whose Host is not allowed, in Freshchat's error shape, naming the setting that
 * allows it (`--allowed-host` for the sandbox).
 */
export function hostRefusal(host: string, setting = '--allowed-host'): Response {
  const name = hostName(host);
  const message = `Host: "${name}" is not an address of this server; to answer it, start it with ${setting} ${name}`;
  return errorResponse(new RequestRefusal('host_not_allowed', 'HOST_NOT_ALLOWED', message));
}

/** The host without its port, in lower case, without a final dot; an IPv6 literal keeps its brackets. */
function hostName(host: string): string {
  const trimmed = host.trim().toLowerCase();
  const name = trimmed.startsWith('[') ? trimmed.slice(0, trimmed.indexOf(']') + 1) : trimmed.replace(/:\d*$/, '');
  return name.endsWith('.') ? name.slice(0, -1) : name;
}
