/**
 * Which client a request comes from, for the per-client limits (sign-in, refused credentials).
 * The socket peer, unless that peer is one of the configured trusted proxies: then the address
 * those proxies recorded in X-Forwarded-For, read right to left past every trusted hop (what
 * Express's proxy-addr does). A header from anyone else is ignored, so a client cannot pick the
 * bucket it is counted in. ipaddr.js (already used for webhook destinations) parses and matches.
 */
import ipaddr from "ipaddr.js";

type Address = ipaddr.IPv4 | ipaddr.IPv6;
export type TrustedProxies = readonly [Address, number][];

/** Parses "10.0.0.0/8, 127.0.0.1, fd00::/8"; throws naming the first entry that is not an IP or CIDR. */
export function parseTrustedProxies(list: string): TrustedProxies {
  return list
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "")
    .map((entry): [Address, number] => {
      try {
        if (entry.includes("/")) return ipaddr.parseCIDR(entry);
        const address = ipaddr.parse(entry);
        return [address, address.kind() === "ipv4" ? 32 : 128];
      } catch {
        throw new Error(`"${entry}" is not an IP address or CIDR range`);
      }
    });
}

/** An address as ipaddr.js reads it, IPv4-mapped IPv6 as IPv4; undefined when it is none. */
function parseAddress(text: string): Address | undefined {
  let candidate = text.trim();
  // Some proxies record the client's port: "203.0.113.7:51234", "[2001:db8::1]:51234".
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(candidate);
  if (bracketed?.[1]) candidate = bracketed[1];
  else if (/^\d{1,3}(\.\d{1,3}){3}:\d+$/.test(candidate)) candidate = candidate.slice(0, candidate.lastIndexOf(":"));
  if (!ipaddr.isValid(candidate)) return undefined;
  return ipaddr.process(candidate);
}

function isTrusted(address: Address, trusted: TrustedProxies): boolean {
  return trusted.some(([range, bits]) => address.kind() === range.kind() && address.match(range, bits));
}

/**
 * The client's address. `peer` is the socket's remote address, `forwardedFor` the request's
 * X-Forwarded-For (all of its values, comma-joined).
 */
export function clientAddress(
  peer: string | undefined,
  forwardedFor: string | undefined,
  trusted: TrustedProxies,
): string {
  let current = peer === undefined ? undefined : parseAddress(peer);
  if (current === undefined) return "unknown";
  const hops = forwardedFor?.split(",") ?? [];
  while (isTrusted(current, trusted) && hops.length > 0) {
    const next = parseAddress(hops.pop() as string);
    // A trusted proxy never writes garbage: stop at the last hop that is known.
    if (next === undefined) break;
    current = next;
  }
  return current.toString();
}

/**
 * The key a per-client limit counts under: the address, or for IPv6 its /64, since one host
 * commonly holds a whole /64 and could otherwise spread its attempts over 2^64 buckets.
 */
export function clientLimitKey(address: string): string {
  if (!ipaddr.isValid(address)) return address;
  const parsed = ipaddr.parse(address);
  if (parsed.kind() === "ipv4") return address;
  const network = ipaddr.IPv6.networkAddressFromCIDR(`${parsed.toString()}/64`);
  return `${network.toString()}/64`;
}

/**
 * The network a client address belongs to, as the API keeps it (the api_key_new_network rule):
 * IPv4 /24 and IPv6 /48, the blocks an ISP or a cloud typically gives one customer, so a key
 * moving between addresses of one office or one cloud subnet is not "new", while another provider
 * or country is. Only the prefix is stored, never the address (personal data minimisation).
 * Undefined when the address is unknown.
 */
export function clientNetwork(address: string): string | undefined {
  if (!ipaddr.isValid(address)) return undefined;
  const parsed = ipaddr.process(address);
  const cidr = parsed.kind() === "ipv4" ? `${parsed.toString()}/24` : `${parsed.toString()}/48`;
  const network =
    parsed.kind() === "ipv4" ? ipaddr.IPv4.networkAddressFromCIDR(cidr) : ipaddr.IPv6.networkAddressFromCIDR(cidr);
  return `${network.toString()}/${cidr.slice(cidr.lastIndexOf("/") + 1)}`;
}
