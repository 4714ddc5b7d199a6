/**
 * The gas caps are measured, not guessed: this re-measures every figure of MEASURED_GAS on the
 * local chain and fails when the table is stale (a contract, the account or the EntryPoint
 * changed). To refresh it: `npm run -w @onekey/issuer measure:gas`, paste, and re-run.
 */
import { parseEther } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GAS_MARGIN_PERCENT, MEASURED_GAS } from "../src/sponsorship/gas-caps.js";
import { bundlerSurplus, type GasMeasurement, MEASURED_SHAPES, measureGasTable } from "./support/measure-gas.js";
import { createProject, dropTestDatabase } from "./support/stack.js";

/** How far the table may sit from a fresh measurement: the search's step and a little state noise. */
const TOLERANCE_PERCENT = 2n;
const within = (table: bigint, fresh: bigint) =>
  table * 100n >= fresh * 100n - fresh * TOLERANCE_PERCENT - 3_200n &&
  table * 100n <= fresh * 100n + fresh * TOLERANCE_PERCENT + 3_200n;

const printable = (m: GasMeasurement) => JSON.stringify(m, (_, v) => (typeof v === "bigint" ? `${v}n` : v), 2);

let projectId: bigint;
let fresh: GasMeasurement;

beforeAll(async () => {
  projectId = await createProject("gas-table", parseEther("10"));
  fresh = await measureGasTable(projectId);
  if (process.env.ONEKEY_PRINT_GAS_TABLE) console.log(printable(fresh));
}, 600_000);
afterAll(() => dropTestDatabase());

describe("MEASURED_GAS", () => {
  it("matches a fresh measurement of every sponsored shape and of validation", () => {
    const stale: string[] = [];
    for (const shape of MEASURED_SHAPES) {
      if (!within(MEASURED_GAS.call[shape], fresh.call[shape])) stale.push(`call.${shape}`);
    }
    for (const key of ["deployed", "withInitCode"] as const) {
      if (!within(MEASURED_GAS.verification[key], fresh.verification[key])) stale.push(`verification.${key}`);
    }
    expect(stale, `stale entries; a fresh measurement:\n${printable(fresh)}`).toEqual([]);
  });

  it("prices preVerificationGas so that a real bundle pays its bundler without the margin", async () => {
    for (const shape of MEASURED_SHAPES) {
      const { preVerification, charged, used } = await bundlerSurplus(shape, projectId, fresh);
      // The EntryPoint charged the operation at least what the bundle transaction used...
      expect(charged, `${shape}: charged ${charged} < used ${used}`).toBeGreaterThanOrEqual(used);
      // ...and the formula is not far above the real unmetered cost: the surplus (penalty on the
      // unused postOp gas included) stays below the margin the caps add on top.
      const margin = (preVerification * GAS_MARGIN_PERCENT.preVerification) / 100n;
      expect(charged - used, `${shape}: surplus ${charged - used}`).toBeLessThanOrEqual(margin);
    }
  });
});
