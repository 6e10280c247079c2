// Which addresses an outbound fetch may reach. Connection config (metadata URLs, issuers) and
// webhook URLs are hostile input: without this, they would let anyone with an admin key probe
// the gateway's own network (SSRF).
import { BlockList, isIP } from 'node:net';

const internal = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['169.254.0.0', 16], // link-local, cloud metadata services
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15], // benchmarking
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  internal.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
  ['64:ff9b::', 96], // NAT64 can embed any IPv4 address
] as const) {
  internal.addSubnet(network, prefix, 'ipv6');
}

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

export type AddressVerdict = 'public' | 'loopback' | 'internal';

export function classifyAddress(address: string): AddressVerdict {
  const family = isIP(address);
  if (family === 0) throw new TypeError(`not an IP address: ${address}`);
  // IPv4-mapped IPv6 (::ffff:10.0.0.1) is judged as the IPv4 address it carries.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return classifyAddress(mapped);
  const type = family === 4 ? 'ipv4' : 'ipv6';
  if (loopback.check(address, type)) return 'loopback';
  if (internal.check(address, type)) return 'internal';
  return 'public';
}

const linkLocal = new BlockList();
linkLocal.addSubnet('169.254.0.0', 16, 'ipv4');
linkLocal.addSubnet('fe80::', 10, 'ipv6');

/** Link-local addresses (cloud metadata services live there): refused even where private networks are allowed. */
export function isLinkLocal(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1] ?? address;
  const family = isIP(mapped);
  return family !== 0 && linkLocal.check(mapped, family === 4 ? 'ipv4' : 'ipv6');
}

export interface AddressPolicy {
  /** Loopback (tests, local development). */
  allowLoopback: boolean;
  /** Private ranges such as 10/8 (an operator's own receivers); never link-local. */
  allowPrivate: boolean;
}

export function addressPermitted(address: string, policy: AddressPolicy): boolean {
  const verdict = classifyAddress(address);
  if (verdict === 'public') return true;
  if (verdict === 'loopback') return policy.allowLoopback || policy.allowPrivate;
  return policy.allowPrivate && !isLinkLocal(address);
}
