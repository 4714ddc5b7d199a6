import { describe, expect, it } from "vitest";
import { readApiConfig } from "../../../src/api/config.js";
import {
  clientAddress,
  clientLimitKey,
  clientNetwork,
  parseTrustedProxies,
} from "../../../src/api/http/clientAddress.js";

describe("client address behind trusted proxies", () => {
  const proxies = parseTrustedProxies("10.0.0.0/8, 127.0.0.1, fd00::/8");

  it("is the socket peer when the peer is not a trusted proxy, whatever X-Forwarded-For says", () => {
    expect(clientAddress("198.51.100.9", "203.0.113.7", proxies)).toBe("198.51.100.9");
    expect(clientAddress("198.51.100.9", undefined, proxies)).toBe("198.51.100.9");
    expect(clientAddress("127.0.0.2", "203.0.113.7", proxies)).toBe("127.0.0.2");
    expect(clientAddress("198.51.100.9", "203.0.113.7", [])).toBe("198.51.100.9");
  });

  it("reads X-Forwarded-For right to left past trusted hops only", () => {
    expect(clientAddress("10.0.0.1", "203.0.113.7", proxies)).toBe("203.0.113.7");
    // The client wrote the left part itself: only the hop the proxy appended counts.
    expect(clientAddress("10.0.0.1", "1.2.3.4, 203.0.113.7", proxies)).toBe("203.0.113.7");
    // Two proxies in a row.
    expect(clientAddress("127.0.0.1", "1.2.3.4, 203.0.113.7, 10.9.9.9", proxies)).toBe("203.0.113.7");
    // Every hop trusted: the leftmost one is the client.
    expect(clientAddress("127.0.0.1", "10.1.1.1, 10.2.2.2", proxies)).toBe("10.1.1.1");
    // A trusted proxy without a header: the proxy itself.
    expect(clientAddress("10.0.0.1", undefined, proxies)).toBe("10.0.0.1");
  });

  it("normalises IPv4-mapped peers, strips ports, and stops at garbage", () => {
    expect(clientAddress("::ffff:10.0.0.1", "203.0.113.7", proxies)).toBe("203.0.113.7");
    expect(clientAddress("::ffff:198.51.100.9", undefined, proxies)).toBe("198.51.100.9");
    expect(clientAddress("10.0.0.1", "203.0.113.7:51234", proxies)).toBe("203.0.113.7");
    expect(clientAddress("10.0.0.1", "[2001:db8::1]:443", proxies)).toBe("2001:db8::1");
    expect(clientAddress("10.0.0.1", "not-an-ip", proxies)).toBe("10.0.0.1");
    expect(clientAddress(undefined, "203.0.113.7", proxies)).toBe("unknown");
  });

  it("counts an IPv6 client by its /64", () => {
    expect(clientLimitKey("2001:db8:1:2:aaaa::1")).toBe("2001:db8:1:2::/64");
    expect(clientLimitKey("2001:db8:1:2:ffff::9")).toBe("2001:db8:1:2::/64");
    expect(clientLimitKey("203.0.113.7")).toBe("203.0.113.7");
  });

  it("keeps a key's client as its IPv4 /24 or IPv6 /48, never the address; an unknown client as none", () => {
    expect(clientNetwork("203.0.113.7")).toBe("203.0.113.0/24");
    expect(clientNetwork("::ffff:203.0.113.7")).toBe("203.0.113.0/24");
    expect(clientNetwork("2001:db8:1:2:aaaa::1")).toBe("2001:db8:1::/48");
    expect(clientNetwork("unknown")).toBeUndefined();
  });

  it("is configured by ONEKEY_API_TRUSTED_PROXIES, validated at start", () => {
    const base = { ONEKEY_NETWORK: "local" };
    expect(readApiConfig(base).trustedProxies).toEqual([]);
    expect(readApiConfig({ ...base, ONEKEY_API_TRUSTED_PROXIES: "10.0.0.0/8,::1" }).trustedProxies).toHaveLength(2);
    expect(() => readApiConfig({ ...base, ONEKEY_API_TRUSTED_PROXIES: "10.0.0.0/8, lb.internal" })).toThrow(
      /ONEKEY_API_TRUSTED_PROXIES "lb\.internal" is not an IP address or CIDR range/,
    );
    expect(() => readApiConfig({ ...base, ONEKEY_API_TRUSTED_PROXIES: "10.0.0.0/33" })).toThrow(
      /ONEKEY_API_TRUSTED_PROXIES/,
    );
  });
});
