/** The destination guard (webhooks/destinations.ts): which addresses are public, and where production may send. */
import { describe, expect, it } from "vitest";
import {
  checkDestination,
  checkUrlShape,
  DestinationError,
  guardedLookup,
  isPublicAddress,
} from "../../webhooks/destinations.js";

describe("destinations", () => {
  it("classifies loopback, private, link-local, CGNAT, unique-local and mapped addresses as non-public", () => {
    for (const address of [
      "127.0.0.1",
      "10.1.2.3",
      "172.16.0.1",
      "192.168.1.1",
      "169.254.169.254",
      "100.64.0.1",
      "0.0.0.0",
      "::1",
      "fe80::1",
      "fc00::1",
      "::ffff:127.0.0.1",
      "not-an-ip",
    ]) {
      expect(isPublicAddress(address), address).toBe(false);
    }
    for (const address of ["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111"]) expect(isPublicAddress(address)).toBe(true);
  });

  it("production refuses http, credentials and every non-public destination; local allows loopback", async () => {
    expect(() => checkUrlShape("http://example.com/hook", "production")).toThrow(/https/);
    expect(() => checkUrlShape("https://u:p@example.com/hook", "production")).toThrow(/credentials/);
    expect(() => checkUrlShape("https://example.com/hook#x", "production")).toThrow(/fragment/);
    for (const url of [
      "https://127.0.0.1/hook",
      "https://localhost/hook",
      "https://[::1]/hook",
      "https://10.0.0.5/hook",
      "https://169.254.169.254/latest/meta-data",
    ]) {
      await expect(checkDestination(url, "production"), url).rejects.toBeInstanceOf(DestinationError);
    }
    await expect(checkDestination("https://8.8.8.8/hook", "production")).resolves.toBeInstanceOf(URL);
    await expect(checkDestination("http://127.0.0.1:9/hook", "local")).resolves.toBeInstanceOf(URL);
  });

  it("the connection-time lookup refuses a host that resolves to loopback in production only", async () => {
    const lookup = (mode: "local" | "production") =>
      new Promise<{ error: NodeJS.ErrnoException | null; address: unknown }>((resolve) =>
        guardedLookup(mode)("localhost", {}, (error, address) => resolve({ error, address })),
      );
    const refused = await lookup("production");
    expect(refused.error?.code).toBe("EDESTINATION");
    const allowed = await lookup("local");
    expect(allowed.error).toBeNull();
    expect(["127.0.0.1", "::1"]).toContain(allowed.address);
  });
});
