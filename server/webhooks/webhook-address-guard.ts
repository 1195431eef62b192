import dns from 'node:dns';
import net from 'node:net';
import type { EndpointAllowlist } from '../push/endpoint-allowlist.js';

/**
 * Webhook URLs are chosen by merchants, so without a guard a seller key could
 * make the server POST to 127.0.0.1:6379, the cloud metadata service or a
 * host on the private network. Refused: every non-public range, v4 and v6,
 * IPv4-mapped IPv6 included (net.BlockList checks those against the v4 list).
 * Origins in WEBHOOK_ENDPOINT_ALLOWLIST skip the guard (tests, an on-premise shop).
 */
const BLOCKED = new net.BlockList();
for (const [prefix, bits] of [
  ['0.0.0.0', 8], // "this network", unspecified
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, cloud metadata
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  BLOCKED.addSubnet(prefix, bits, 'ipv4');
}
for (const [prefix, bits] of [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['64:ff9b::', 96], // NAT64: reaches whatever IPv4 it embeds
  ['64:ff9b:1::', 48], // local-use NAT64
  ['100::', 64], // discard
  ['2001:db8::', 32], // documentation
  ['2002::', 16], // 6to4: embeds an IPv4 address
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
] as const) {
  BLOCKED.addSubnet(prefix, bits, 'ipv6');
}

/** True for an address a webhook may never reach unless allowlisted. */
export function isInternalAddress(address: string): boolean {
  const family = net.isIP(address);
  if (family === 0) return true;
  return BLOCKED.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** Resolves a host to every address it has (the guard checks them all, not only the first). */
export type Resolver = (hostname: string) => Promise<{ address: string; family: number }[]>;
export const systemResolver: Resolver = (hostname) => dns.promises.lookup(hostname, { all: true, verbatim: true });

export class WebhookUrlError extends Error {}

/** The URL's host without IPv6 brackets. */
export function hostOf(url: URL): string {
  return url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
}

/**
 * Checks a webhook URL as written: parseable, no credentials, https (or an
 * allowlisted origin), and not an internal address literal. Throws
 * WebhookUrlError with a message for the merchant.
 */
export function checkWebhookUrl(text: string, allowlist: EndpointAllowlist | undefined): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new WebhookUrlError('url must be an absolute URL such as https://shop.example/hooks/tidings');
  }
  if (url.username || url.password) throw new WebhookUrlError('url must not carry a user name or password');
  if (allowlist?.allows(url.href)) return url;
  if (url.protocol !== 'https:') throw new WebhookUrlError('url must use https');
  const host = hostOf(url);
  if (net.isIP(host) !== 0 && isInternalAddress(host)) {
    throw new WebhookUrlError(`url must not point at a private, loopback or otherwise internal address (${host})`);
  }
  return url;
}

/** Resolves the host and refuses it when any address is internal; the addresses it checked are returned. */
export async function resolvePublic(hostname: string, resolve: Resolver): Promise<{ address: string; family: number }[]> {
  if (net.isIP(hostname) !== 0) {
    if (isInternalAddress(hostname)) throw new WebhookUrlError(`${hostname} is a private, loopback or otherwise internal address`);
    return [{ address: hostname, family: net.isIP(hostname) }];
  }
  let addresses: { address: string; family: number }[];
  try {
    addresses = await resolve(hostname);
  } catch {
    throw new WebhookUrlError(`${hostname} does not resolve`);
  }
  if (addresses.length === 0) throw new WebhookUrlError(`${hostname} does not resolve`);
  const internal = addresses.find((a) => isInternalAddress(a.address));
  if (internal) throw new WebhookUrlError(`${hostname} resolves to ${internal.address}, a private, loopback or otherwise internal address`);
  return addresses;
}
