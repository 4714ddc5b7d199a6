/** The retry schedule (webhooks/worker/schedule.ts): parsing, the default's span, jitter. */
import { describe, expect, it } from "vitest";
import { parseSchedule, retryDelay } from "../../../webhooks/worker/schedule.js";

describe("retry schedule", () => {
  it("parses durations and refuses anything else, naming the variable", () => {
    expect(parseSchedule("5s,5m,30m,2h,500ms")).toEqual([5_000, 300_000, 1_800_000, 7_200_000, 500]);
    for (const bad of ["", "5", "5 days", "5s,,5m", "-1s"]) {
      expect(() => parseSchedule(bad)).toThrow(/ONEKEY_WEBHOOK_RETRY_SCHEDULE/);
    }
  });

  it("the default schedule spans more than 24 hours", () => {
    const total = parseSchedule("5s,5m,30m,2h,5h,10h,10h").reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(24 * 3_600_000);
  });

  it("jitters each wait within +-jitter and ends after the last retry", () => {
    const schedule = [1_000, 10_000];
    expect(retryDelay(schedule, 1, 0.2, () => 0)).toBe(800);
    expect(retryDelay(schedule, 1, 0.2, () => 1)).toBe(1_200);
    expect(retryDelay(schedule, 2, 0.2, () => 0.5)).toBe(10_000);
    expect(retryDelay(schedule, 3, 0.2)).toBeUndefined();
  });
});
