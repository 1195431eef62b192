/**
 * Which URLs the server may POST pushes to. Without this check a shopper
 * could subscribe `http://10.0.0.5/admin` and make the server a blind SSRF
 * proxy. Entries (comma-separated in PUSH_ENDPOINT_ALLOWLIST):
 *
 * - `fcm.googleapis.com`: exactly this host, https, default port;
 * - `*.push.apple.com`: any subdomain of push.apple.com (not the bare domain), https, default port;
 * - `https://push.example:8443` or `http://127.0.0.1:9000`: exactly this origin.
 *   Plain http is accepted only for loopback origins given explicitly (tests, local push services);
 * - `default`: the public push services below, so a list can add to them.
 */
export const DEFAULT_PUSH_SERVICES = [
  'fcm.googleapis.com', // Chrome, Opera, Samsung Internet, other Chromium browsers
  '*.push.services.mozilla.com', // Firefox (updates.push.services.mozilla.com)
  '*.push.apple.com', // Safari (web.push.apple.com)
  '*.notify.windows.com', // Edge (wns2-*.notify.windows.com)
] as const;

type Rule = { kind: 'host'; host: string } | { kind: 'suffix'; suffix: string } | { kind: 'origin'; origin: string };

const HOST = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

export class AllowlistError extends Error {}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

function parseEntry(entry: string): Rule[] {
  const text = entry.trim().toLowerCase();
  if (text === 'default') return DEFAULT_PUSH_SERVICES.flatMap(parseEntry);
  if (text.includes('://')) {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      throw new AllowlistError(`"${entry}" is not a URL`);
    }
    if (url.origin === 'null' || url.username || url.password || (url.pathname !== '/' && url.pathname !== '') || url.search) {
      throw new AllowlistError(`"${entry}" must be a bare origin such as https://push.example:8443`);
    }
    if (url.protocol === 'http:' && !isLoopback(url.hostname)) {
      throw new AllowlistError(`"${entry}": plain http is only allowed for loopback origins; use https`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new AllowlistError(`"${entry}" must be http(s)`);
    return [{ kind: 'origin', origin: url.origin }];
  }
  if (text.startsWith('*.')) {
    const suffix = text.slice(2);
    // A wildcard over a public suffix ("*.com") would allow nearly anything.
    if (!HOST.test(suffix) || !suffix.includes('.')) throw new AllowlistError(`"${entry}" must look like *.push.example.com`);
    return [{ kind: 'suffix', suffix: `.${suffix}` }];
  }
  if (!HOST.test(text)) throw new AllowlistError(`"${entry}" is not a host name, *.suffix or origin`);
  return [{ kind: 'host', host: text }];
}

export class EndpointAllowlist {
  private constructor(private readonly rules: readonly Rule[]) {}

  /** Parses PUSH_ENDPOINT_ALLOWLIST; undefined or empty means the public push services. */
  static parse(text: string | undefined): EndpointAllowlist {
    const entries = (text ?? 'default').split(',').filter((entry) => entry.trim() !== '');
    return new EndpointAllowlist((entries.length > 0 ? entries : ['default']).flatMap(parseEntry));
  }

  /** True when the server may POST to this endpoint URL. */
  allows(endpoint: string): boolean {
    let url: URL;
    try {
      url = new URL(endpoint);
    } catch {
      return false;
    }
    return this.allowsUrl(url);
  }

  /** `allows` for an endpoint already parsed (the sender parses each once per push). */
  allowsUrl(url: URL): boolean {
    if (url.username || url.password) return false;
    for (const rule of this.rules) {
      if (rule.kind === 'origin') {
        if (url.origin === rule.origin) return true;
        continue;
      }
      // Host rules mean the public push service itself: https on its default port only.
      if (url.protocol !== 'https:' || url.port !== '') continue;
      if (rule.kind === 'host' && url.hostname === rule.host) return true;
      if (rule.kind === 'suffix' && url.hostname.endsWith(rule.suffix)) return true;
    }
    return false;
  }

  describe(): string {
    return this.rules
      .map((rule) => (rule.kind === 'origin' ? rule.origin : rule.kind === 'host' ? rule.host : `*${rule.suffix}`))
      .join(', ');
  }
}
