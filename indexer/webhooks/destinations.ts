/**
 * Where webhooks may go. In production an endpoint must be https and resolve only to public
 * unicast addresses: loopback, private, link-local, CGNAT and reserved ranges are refused, at
 * registration and again at every connection (DNS may change between the two). Local mode (the
 * dev stack, the tests) allows http and loopback.
 */
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { promisify } from "node:util";
import ipaddr from "ipaddr.js";

export type DestinationMode = "local" | "production";

const lookupAll = promisify(dnsLookup) as unknown as (host: string, options: { all: true }) => Promise<LookupAddress[]>;

export class DestinationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DestinationError";
  }
}

/** Whether `address` is a public unicast IP (ipaddr.js classifies the ranges). */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === "ipv6" && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  }
  return parsed.range() === "unicast";
}

/** Checks the URL's form (never its reachability); returns it normalised. */
export function checkUrlShape(raw: string, mode: DestinationMode): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new DestinationError("is not a valid URL");
  }
  const allowed = mode === "production" ? ["https:"] : ["https:", "http:"];
  if (!allowed.includes(url.protocol)) throw new DestinationError(`must use ${allowed.join(" or ")}`);
  if (url.username || url.password) throw new DestinationError("must not contain credentials");
  if (url.hash) throw new DestinationError("must not contain a fragment");
  if (raw.length > 2048) throw new DestinationError("is longer than 2048 characters");
  return url;
}

/** Resolves the host and refuses non-public addresses in production. */
export async function checkDestination(raw: string, mode: DestinationMode): Promise<URL> {
  const url = checkUrlShape(raw, mode);
  if (mode === "local") return url;
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const addresses = ipaddr.isValid(host) ? [{ address: host, family: 0 }] : await resolve(host);
  const refused = addresses.find((a) => !isPublicAddress(a.address));
  if (refused) throw new DestinationError(`resolves to a non-public address (${refused.address})`);
  return url;
}

async function resolve(host: string): Promise<LookupAddress[]> {
  try {
    return await lookupAll(host, { all: true });
  } catch {
    throw new DestinationError(`host ${host} does not resolve`);
  }
}

/**
 * A `lookup` for the HTTP client's connections: in production it fails a connection to any
 * non-public address, so a DNS answer that changed after registration cannot reach the inside.
 */
export function guardedLookup(mode: DestinationMode) {
  return (
    hostname: string,
    options: object,
    callback: (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
  ) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      const list = addresses as LookupAddress[];
      if (mode === "production") {
        const refused = list.find((a) => !isPublicAddress(a.address));
        if (refused) {
          const blocked = new Error(`refused non-public address ${refused.address}`) as NodeJS.ErrnoException;
          blocked.code = "EDESTINATION";
          return callback(blocked, []);
        }
      }
      if ((options as { all?: boolean }).all) return callback(null, list);
      const first = list[0];
      if (!first) return callback(new Error(`no address for ${hostname}`), []);
      callback(null, first.address, first.family);
    });
  };
}
