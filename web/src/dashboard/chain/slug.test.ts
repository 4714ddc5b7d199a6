import { describe, expect, it, vi } from "vitest";
import { checkSlug, slugMessage, slugProblem } from "./slug.js";

describe("slugProblem: the registry's rule (3-64 of [a-z0-9-], no '-' at either end)", () => {
  it.each(["abc", "demo-project", "a1-b2-c3", "0xa", "a".repeat(64)])("accepts %j", (slug) => {
    expect(slugProblem(slug)).toBeUndefined();
  });

  it.each([
    ["ab", /At least 3/],
    ["a".repeat(65), /At most 64/],
    ["-abc", /start or end/],
    ["abc-", /start or end/],
    ["Demo", /not: D/],
    ["my project", /lowercase/],
    ["café", /not: é/],
    ["a_b", /not: _/],
  ])("refuses %j", (slug, reason) => {
    expect(slugProblem(slug)).toMatch(reason);
  });
});

describe("checkSlug", () => {
  it("never asks the registry about a slug the registry would refuse anyway", async () => {
    const lookup = vi.fn(async () => 0n);
    expect(await checkSlug("Bad Slug", lookup)).toMatchObject({ state: "invalid" });
    expect(await checkSlug("", lookup)).toEqual({ state: "empty" });
    expect(lookup).not.toHaveBeenCalled();
  });

  it("reads free when no project has it, taken (with its project) when one does", async () => {
    expect(await checkSlug("fresh-one", async () => 0n)).toEqual({ state: "free", slug: "fresh-one" });
    const taken = await checkSlug("demo", async (s) => (s === "demo" ? 7n : 0n));
    expect(taken).toEqual({ state: "taken", slug: "demo", projectId: 7n });
    expect(slugMessage(taken)).toMatch(/taken \(project 7\)/);
  });

  it("says it could not check (not free) when the registry cannot be reached", async () => {
    const check = await checkSlug("fresh-one", async () => {
      throw new Error("fetch failed");
    });
    expect(check.state).toBe("unknown");
    expect(slugMessage(check)).toMatch(/could not be asked/);
  });
});
