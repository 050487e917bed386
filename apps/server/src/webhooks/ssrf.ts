import { lookup } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/** Addresses a webhook may not reach: loopback, private, link-local, carrier-grade NAT, multicast, reserved. */
const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  blocked.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  blocked.addSubnet(net, prefix, 'ipv6');
}

export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return blocked.check(address, 'ipv4');
  if (family === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    if (mapped !== null) return blocked.check(mapped[1], 'ipv4');
    return blocked.check(address, 'ipv6');
  }
  return true;
}

export class RefusedAddressError extends Error {
  readonly code = 'DOPPEL_ERR_WEBHOOK_URL_REFUSED';
}

/**
 * A DNS lookup for outgoing webhook requests that refuses private addresses unless the host is allow-listed.
 * The connection uses the address checked here, so a name cannot resolve to a public address when checked and a
 * private one when connected (DNS rebinding).
 */
export function guardedLookup(allowHosts: readonly string[], host: string): LookupFunction {
  const allowed = new Set(allowHosts.map((item) => item.toLowerCase()));
  const hostAllowed = allowed.has(host.toLowerCase());
  return (hostname, options, callback) => {
    lookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const list = addresses as unknown as { address: string; family: number }[];
      const ok = list.filter((entry) => hostAllowed || allowed.has(entry.address) || !isPrivateAddress(entry.address));
      if (ok.length === 0) {
        return callback(
          new RefusedAddressError(`${hostname} resolves to a private or loopback address; refused`),
          '',
          0,
        );
      }
      if ((options as { all?: boolean }).all === true) {
        return (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, ok);
      }
      return callback(null, ok[0].address, ok[0].family);
    });
  };
}

/** Checks a webhook URL when it is registered: scheme, and every address its host resolves to. */
export async function checkWebhookUrl(url: string, allowHosts: readonly string[]): Promise<string | null> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'not a valid URL';
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return 'only http and https URLs are allowed';
  if (parsed.username !== '' || parsed.password !== '') return 'credentials in the URL are not allowed';
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  const lookupFn = guardedLookup(allowHosts, host);
  return new Promise((resolve) => {
    lookupFn(host, { all: true }, (error) => resolve(error === null ? null : error.message));
  });
}
