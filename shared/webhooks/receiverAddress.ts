import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/**
 * Where webhooks may be delivered (SSRF): in production only to `https` receivers on public addresses.
 * Every address a host name resolves to is checked, at registration and again as each delivery
 * connects (the connection goes to the address that was checked, so a DNS answer that changes in
 * between cannot point it inside); redirects are never followed. Local development and the tests may
 * allow `http` and private addresses (`WEBHOOK_ALLOW_LOCAL_RECEIVERS`).
 */

const notPublic = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  notPublic.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  notPublic.addSubnet(network, prefix, 'ipv6');
}

/**
 * Loopback, private, link-local, shared, reserved, multicast, documentation and unspecified addresses
 * are not public. IPv4-mapped IPv6 addresses (`::ffff:a.b.c.d`) are judged by their IPv4 address:
 * BlockList compares them with the IPv4 subnets itself.
 */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  return !notPublic.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

export class ReceiverRefused extends Error {
  override name = 'ReceiverRefused';
}

export interface ReceiverPolicy {
  /** Development and tests: `http` and non-public addresses are allowed. */
  allowLocalReceivers: boolean;
}

/** The URL's own rules: `https` (unless local receivers are allowed) and, for an address literal, a public one. */
export function checkReceiverUrl(url: URL, policy: ReceiverPolicy): void {
  if (policy.allowLocalReceivers) return;
  if (url.protocol !== 'https:') throw new ReceiverRefused('Webhook receivers must use https.');
  if (url.username || url.password) throw new ReceiverRefused('Webhook URLs cannot carry a user name or password.');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) !== 0 && !isPublicAddress(host)) throw new ReceiverRefused(`The address ${host} is not a public one.`);
}

function resolveAll(hostname: string): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) =>
    dnsLookup(hostname, { all: true }, (error, addresses) => (error ? reject(error) : resolve(addresses))),
  );
}

/** Registration: the URL's rules, then every address its host resolves to now. */
export async function checkReceiver(url: URL, policy: ReceiverPolicy): Promise<void> {
  checkReceiverUrl(url, policy);
  if (policy.allowLocalReceivers) return;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) !== 0) return;
  let addresses: LookupAddress[];
  try {
    addresses = await resolveAll(host);
  } catch (cause) {
    throw new ReceiverRefused(`The host ${host} cannot be resolved.`, { cause });
  }
  const refused = addresses.find((entry) => !isPublicAddress(entry.address));
  if (refused) throw new ReceiverRefused(`The host ${host} resolves to ${refused.address}, which is not a public address.`);
}

/**
 * The `lookup` of a delivery's connection: resolves every address, refuses the connection when any of
 * them is not public, and connects to the addresses it checked.
 */
export function guardedLookup(policy: ReceiverPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { all: true, family: options.family, hints: options.hints }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const refused = policy.allowLocalReceivers ? undefined : addresses.find((entry) => !isPublicAddress(entry.address));
      if (refused)
        return callback(new ReceiverRefused(`${hostname} resolves to ${refused.address}, which is not a public address.`), '', 0);
      if (options.all) return (callback as unknown as (error: null, addresses: LookupAddress[]) => void)(null, addresses);
      const [first] = addresses;
      if (!first) return callback(new ReceiverRefused(`${hostname} has no address.`), '', 0);
      callback(null, first.address, first.family);
    });
  };
}
