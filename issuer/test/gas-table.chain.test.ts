/**
 * The gas caps are measured, not guessed: this re-measures every figure of MEASURED_GAS on the
 * local chain and fails when the table is stale (a contract, the account or the EntryPoint
 * changed). To refresh it: `npm run -w @onekey/issuer measure:gas`, paste, and re-run.
 */
import { parseEther } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MEASURED_GAS } from "../src/sponsorship/gas-caps.js";
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

  it("prices preVerificationGas from the bytes so that a real bundle pays its bundler", async () => {
    for (const shape of MEASURED_SHAPES) {
      // One real bundle per shape, signed with preVerificationGas at the formula (no margin).
      const { preVerification, charged, used } = await bundlerSurplus(shape, projectId, fresh);
      // What the EntryPoint charged the operation against what the bundle transaction used: the
      // formula falls short by at most 2% of itself (the 15% margin covers it) ...
      expect(used - charged, `${shape}: charged ${charged}, used ${used}`).toBeLessThanOrEqual(
        (preVerification * 2n) / 100n,
      );
      // ... and overshoots by at most a quarter of itself (storage refunds of revoke and erase
      // lower what the transaction used, which no bundler formula sees).
      expect(charged - used, `${shape}: charged ${charged}, used ${used}`).toBeLessThanOrEqual(
        (preVerification * 25n) / 100n,
      );
    }
  });
});
