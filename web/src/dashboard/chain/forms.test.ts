import { getAddress, parseEther } from "viem";
import { describe, expect, it } from "vitest";
import {
  MAX_ACCEPTED_ISSUERS,
  MAX_BALANCE,
  parseFund,
  parseOrganization,
  parsePolicy,
  parseSettings,
  parseWithdraw,
  periodFields,
} from "./forms.js";

const a1 = "0x1111111111111111111111111111111111111111";
const a2 = "0x00000000000000000000000000000000000000aB";

describe("project settings", () => {
  it("gives the contract's arguments: the level, checksummed distinct issuers, the metadata link", () => {
    const parsed = parseSettings({
      requiredLevel: "2",
      acceptedIssuers: `${a1},\n ${a2.toLowerCase()}`,
      metadataURI: " ipfs://x ",
    });
    expect(parsed).toEqual({
      ok: true,
      value: { requiredLevel: 2, acceptedIssuers: [getAddress(a1), getAddress(a2)], metadataURI: "ipfs://x" },
    });
    expect(parseSettings({ requiredLevel: "1", acceptedIssuers: "", metadataURI: "" })).toMatchObject({
      ok: true,
      value: { acceptedIssuers: [] },
    });
  });

  it.each([
    ["0", /1 to 255|run from 1/],
    ["256", /run from 1 to 255/],
    ["1.5", /whole number/],
    ["two", /level/],
  ])("refuses level %j", (requiredLevel, message) => {
    const parsed = parseSettings({ requiredLevel, acceptedIssuers: "", metadataURI: "" });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.errors.requiredLevel).toMatch(message);
  });

  it("refuses a zero, malformed, repeated or 17th issuer", () => {
    const errorOf = (acceptedIssuers: string) => {
      const parsed = parseSettings({ requiredLevel: "1", acceptedIssuers, metadataURI: "" });
      return parsed.ok ? undefined : parsed.errors.acceptedIssuers;
    };
    expect(errorOf(`0x${"0".repeat(40)}`)).toMatch(/zero address/);
    expect(errorOf("0x1234")).toMatch(/not an address/);
    expect(errorOf(`${a1} ${a1.toUpperCase().replace("0X", "0x")}`)).toMatch(/listed twice/);
    const many = Array.from(
      { length: MAX_ACCEPTED_ISSUERS + 1 },
      (_, i) => `0x${(i + 1).toString(16).padStart(40, "0")}`,
    );
    expect(errorOf(many.join(","))).toMatch(/At most 16/);
    expect(errorOf(many.slice(0, MAX_ACCEPTED_ISSUERS).join(","))).toBeUndefined();
  });

  it("refuses metadata that is not a link or carries control characters", () => {
    for (const metadataURI of ["just words", "https://a\nb", `https://${"a".repeat(2050)}`]) {
      expect(parseSettings({ requiredLevel: "1", acceptedIssuers: "", metadataURI }).ok).toBe(false);
    }
  });
});

describe("organization", () => {
  it("refuses the zero address and a malformed owner", () => {
    expect(parseOrganization({ owner: `0x${"0".repeat(40)}`, metadataURI: "" })).toMatchObject({
      ok: false,
      errors: { owner: expect.stringMatching(/zero address/) },
    });
    expect(parseOrganization({ owner: "alice", metadataURI: "" }).ok).toBe(false);
    expect(parseOrganization({ owner: a1, metadataURI: "" })).toEqual({
      ok: true,
      value: { owner: getAddress(a1), metadataURI: "" },
    });
  });
});

describe("amounts", () => {
  it("funds a positive amount in ETH, at most 18 decimals, never past the paymaster's MAX_BALANCE", () => {
    expect(parseFund({ amount: "0.25" }, 0n)).toEqual({ ok: true, value: { amount: parseEther("0.25") } });
    expect(parseFund({ amount: "0" }, 0n)).toMatchObject({ ok: false, errors: { amount: /more than zero/ } });
    expect(parseFund({ amount: "-1" }, 0n).ok).toBe(false);
    expect(parseFund({ amount: "1e18" }, 0n).ok).toBe(false);
    expect(parseFund({ amount: `0.${"1".repeat(19)}` }, 0n)).toMatchObject({
      ok: false,
      errors: { amount: /18 decimal/ },
    });
    expect(parseFund({ amount: "0.000000000000000001" }, MAX_BALANCE - 1n).ok).toBe(true);
    expect(parseFund({ amount: "0.000000000000000002" }, MAX_BALANCE - 1n)).toMatchObject({
      ok: false,
      errors: { amount: /most a project may hold/ },
    });
  });

  it("withdraws at most the balance, to a real address", () => {
    const balance = parseEther("1");
    expect(parseWithdraw({ amount: "1", to: a1 }, balance)).toEqual({
      ok: true,
      value: { amount: balance, to: getAddress(a1) },
    });
    expect(parseWithdraw({ amount: "1.000000000000000001", to: a1 }, balance)).toMatchObject({
      ok: false,
      errors: { amount: /more than the budget holds/ },
    });
    expect(parseWithdraw({ amount: "0.5", to: "" }, balance)).toMatchObject({ ok: false, errors: { to: /address/ } });
  });
});

describe("sponsorship policy", () => {
  const base = { perUserCap: "0.01", periodCap: "0", period: "1", periodUnit: "days" as const, maxOpCost: "0" };

  it("turns caps into wei and the period into seconds", () => {
    expect(parsePolicy(base)).toEqual({
      ok: true,
      value: { perUserCap: parseEther("0.01"), periodCap: 0n, periodSeconds: 86_400, maxOpCost: 0n },
    });
  });

  it("refuses a period past uint32 and a cap past uint96", () => {
    expect(parsePolicy({ ...base, period: "50000", periodUnit: "days" })).toMatchObject({
      ok: false,
      errors: { period: /2\^32/ },
    });
    expect(parsePolicy({ ...base, periodCap: "100000000000" })).toMatchObject({
      ok: false,
      errors: { periodCap: /count/ },
    });
    expect(parsePolicy({ ...base, period: "1.5" }).ok).toBe(false);
  });

  it("shows a stored period in the largest unit that divides it", () => {
    expect(periodFields(0)).toEqual({ period: "0", periodUnit: "seconds" });
    expect(periodFields(7 * 86_400)).toEqual({ period: "7", periodUnit: "days" });
    expect(periodFields(7200)).toEqual({ period: "2", periodUnit: "hours" });
    expect(periodFields(90)).toEqual({ period: "90", periodUnit: "seconds" });
  });
});
