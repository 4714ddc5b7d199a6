/**
 * The production start commands validate their configuration before anything starts:
 * `npm run start:<service> -- --check-config` names each bad variable and exits 1, never printing
 * a secret value, or prints one "ok" line and exits 0. Run as an operator runs them (the root
 * npm scripts, as child processes), plus the indexer's plan in-process (which Ponder command,
 * which schema).
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkConfig, redactConfigMessage } from "@onekey/service-kit/config-check";
import { afterAll, describe, expect, it } from "vitest";
import { planService } from "../scripts/services.js";

const repoRoot = join(import.meta.dirname, "..", "..");
const scratch = mkdtempSync(join(tmpdir(), "onekey-start-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A deployment book with a local entry, as startLocalChain writes it (no chain needed: nothing is contacted). */
const bookDir = (() => {
  const address = (n: number) => `0x${n.toString(16).padStart(40, "0")}`;
  const contracts = Object.fromEntries(
    ["ProjectRegistry", "KycRegistry", "OneKeyPaymaster", "SimpleAccountFactoryV07"].map((name, i) => [
      name,
      { address: address(0x1000 + i), startBlock: 1 },
    ]),
  );
  writeFileSync(join(scratch, "local.json"), JSON.stringify({ network: "local", chainId: 31337, contracts }));
  return scratch;
})();

// Secrets a bad configuration carries: none may appear in what the check prints.
const DB_PASSWORD = "pg-password-7f3a9c";
const RPC_KEY = "rpc-api-key-51d0e8";
const SIGNER_KEY = `0x${"ab".repeat(31)}zz`; // malformed: the check must say so without quoting it

/** Hardhat's public test accounts #5 and #6: dev keys, fine in a repository. */
const HARDHAT_KEY_5 = "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba";
const HARDHAT_KEY_6 = "0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e";
const SANDBOX = {
  ONEKEY_ISSUER_SANDBOX_URL: "http://127.0.0.1:4020",
  ONEKEY_ISSUER_SANDBOX_APP_TOKEN: "sbx_app_0123456789abcdef",
  ONEKEY_ISSUER_SANDBOX_SECRET_KEY: "sbx_secret_0123456789abcdef",
  ONEKEY_ISSUER_SANDBOX_WEBHOOK_SECRET: "sbx_whsec_0123456789abcdef",
};

const base = { ONEKEY_NETWORK: "local", ONEKEY_DEPLOY_BOOK_DIR: bookDir };
const database = "postgres://postgres@127.0.0.1:5432/onekey";
const encryptionKey = "11".repeat(32);

/** Runs `npm run -s start:<service> -- --check-config` with exactly `env` (plus PATH and HOME). */
function check(service: string, env: Record<string, string>): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(
      "npm",
      ["run", "-s", `start:${service}`, "--", "--check-config"],
      { cwd: repoRoot, env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, output: `${stdout}${stderr}` });
      },
    );
  });
}

describe("npm run start:<service> -- --check-config", () => {
  const cases: { service: string; bad: Record<string, string>; names: RegExp[]; good: Record<string, string> }[] = [
    {
      service: "indexer",
      bad: { ...base, ONEKEY_INDEXER_POLLING_MS: "5", ONEKEY_INDEXER_PORT: "99999" },
      names: [/ONEKEY_INDEXER_POLLING_MS/, /ONEKEY_INDEXER_PORT/, /ONEKEY_INDEXER_SCHEMA is required/],
      good: { ...base, ONEKEY_INDEXER_SCHEMA: "onekey_2026_12_06" },
    },
    {
      service: "api",
      bad: { ...base, ONEKEY_INDEXER_SCHEMA: "x", ONEKEY_REDIS_URL: `http://:${DB_PASSWORD}@127.0.0.1:6379` },
      names: [/ONEKEY_REDIS_URL must be a redis/, /ONEKEY_INDEXER_DATABASE_URL is required/],
      good: { ...base, ONEKEY_INDEXER_SCHEMA: "x", ONEKEY_INDEXER_DATABASE_URL: database },
    },
    {
      service: "worker",
      bad: { ...base, ONEKEY_WEBHOOK_TIMEOUT_MS: "5", ONEKEY_SECURITY_ALERT_URL: `https://ops.example/${RPC_KEY}` },
      names: [
        /ONEKEY_INDEXER_DATABASE_URL/,
        /ONEKEY_WEBHOOK_ENCRYPTION_KEY is required/,
        /ONEKEY_WEBHOOK_TIMEOUT_MS/,
        /ONEKEY_SECURITY_ALERT_SECRET/,
      ],
      good: { ...base, ONEKEY_INDEXER_DATABASE_URL: database, ONEKEY_WEBHOOK_ENCRYPTION_KEY: encryptionKey },
    },
    {
      service: "issuer",
      bad: {
        ...base,
        ...SANDBOX,
        ONEKEY_RPC_URL: `https://base-sepolia.example/v2/${RPC_KEY}`,
        ONEKEY_ISSUER_SPONSOR_SIGNER_KEY: SIGNER_KEY,
        ONEKEY_ISSUER_DATABASE_URL: `postgres://onekey:${DB_PASSWORD}@db/onekey`,
      },
      names: [/ONEKEY_ISSUER_SPONSOR_SIGNER_KEY/, /ONEKEY_ISSUER_KYC_SIGNER_KEY: is required/],
      good: {
        ...base,
        ...SANDBOX,
        ONEKEY_ISSUER_SPONSOR_SIGNER_KEY: HARDHAT_KEY_5,
        ONEKEY_ISSUER_KYC_SIGNER_KEY: HARDHAT_KEY_6,
        ONEKEY_ISSUER_DATABASE_URL: database,
      },
    },
    {
      service: "keyservice",
      bad: { ...base, ONEKEY_NETWORK: "baseSepolia", ONEKEY_RPC_URL: `https://rpc.example/${RPC_KEY}` },
      names: [/ONEKEY_NETWORK is baseSepolia: the key service runs on the local network only/],
      good: base,
    },
  ];

  for (const { service, bad, names, good } of cases) {
    it(`${service}: names every bad variable without its value, exits 1; a good configuration is ok`, async () => {
      const refused = await check(service, bad);
      expect(refused.code, refused.output).toBe(1);
      expect(refused.output).toContain(`onekey ${service}: configuration invalid`);
      for (const name of names) expect(refused.output).toMatch(name);
      for (const secret of [DB_PASSWORD, RPC_KEY, SIGNER_KEY]) expect(refused.output).not.toContain(secret);

      const accepted = await check(service, good);
      expect(accepted.output).toContain(`onekey ${service}: configuration ok`);
      expect(accepted.code, accepted.output).toBe(0);
    });
  }
});

describe("npm run build:web", () => {
  it("refuses to build with a bad or missing variable, naming each, before bundling anything", async () => {
    const refused = await new Promise<{ code: number; output: string }>((resolve) => {
      execFile(
        "npm",
        ["run", "-s", "build:web"],
        {
          cwd: repoRoot,
          timeout: 60_000,
          env: {
            PATH: process.env.PATH ?? "",
            HOME: process.env.HOME ?? "",
            ONEKEY_DEPLOY_BOOK_DIR: bookDir,
            VITE_ONEKEY_NETWORK: "local",
            VITE_ONEKEY_RPC_URL: "not a url",
          },
        },
        (error, stdout, stderr) => resolve({ code: error ? 1 : 0, output: `${stdout}${stderr}` }),
      );
    });
    expect(refused.code).toBe(1);
    expect(refused.output).toContain("onekey web build: configuration invalid");
    expect(refused.output).toMatch(/VITE_ONEKEY_RPC_URL: Invalid URL/);
    expect(refused.output).toMatch(/VITE_ONEKEY_ISSUER_URL: a production build must name it/);
    expect(refused.output).not.toMatch(/built in|dist\/assets/);
  });
});

describe("the indexer's plan", () => {
  const env = { ...base, ONEKEY_INDEXER_DATABASE_URL: database, ONEKEY_INDEXER_SCHEMA: "onekey_2026_12_06" };

  it("runs ponder start on the deployment schema behind the views schema, and ponder serve for a replica", () => {
    expect(planService("indexer", { ...env, ONEKEY_INDEXER_PORT: "4100" }).ponderArgs).toEqual(
      "start --schema onekey_2026_12_06 --views-schema onekey -H 127.0.0.1 -p 4100 --log-format json".split(" "),
    );
    expect(planService("api", { ...env, ONEKEY_INDEXER_HOST: "0.0.0.0" }).ponderArgs).toEqual(
      "serve --schema onekey_2026_12_06 -H 0.0.0.0 -p 42069 --log-format json".split(" "),
    );
    expect(planService("worker", { ...env, ONEKEY_WEBHOOK_ENCRYPTION_KEY: encryptionKey }).ponderArgs).toBeUndefined();
  });

  it("off the local chain, requires PostgreSQL and Redis (replicas share their limits) and says so once", () => {
    const offLocal = { ...env, ONEKEY_NETWORK: "baseSepolia", ONEKEY_INDEXER_DATABASE_URL: "" };
    expect(() => planService("api", offLocal)).toThrow(
      /ONEKEY_RPC_URL is required for baseSepolia[\s\S]*ONEKEY_INDEXER_DATABASE_URL is required/,
    );
    const message = (() => {
      try {
        planService("indexer", {
          ...offLocal,
          ONEKEY_RPC_URL: "https://rpc.example",
          ONEKEY_API_SIWE_DOMAIN: "x.example",
        });
      } catch (error) {
        return (error as Error).message;
      }
      return "";
    })();
    expect(message).toMatch(/ONEKEY_INDEXER_DATABASE_URL is required on baseSepolia/);
    expect(message).toMatch(/ONEKEY_REDIS_URL is required on baseSepolia/);
    expect(message).toMatch(/ONEKEY_AUDIT_CHAIN_KEYS and ONEKEY_AUDIT_CHAIN_KEY_ID are required on baseSepolia/);
    expect(() =>
      planService("worker", {
        ...offLocal,
        ONEKEY_RPC_URL: "https://rpc.example",
        ONEKEY_INDEXER_DATABASE_URL: database,
        ONEKEY_WEBHOOK_ENCRYPTION_KEY: encryptionKey,
      }),
    ).toThrow(/ONEKEY_AUDIT_CHAIN_KEYS and ONEKEY_AUDIT_CHAIN_KEY_ID are required on baseSepolia/);
    expect(message.split("\n").length).toBe(new Set(message.split("\n")).size);
  });
});

describe("the audit chain key in the check", () => {
  const env = { ...base, ONEKEY_INDEXER_DATABASE_URL: database, ONEKEY_INDEXER_SCHEMA: "onekey_2026_12_06" };
  // 31 bytes: one short of the minimum; the check must refuse it without printing it.
  const SHORT_KEY = "c0ffee".repeat(11).slice(0, 62);
  const GOOD_KEY = "5e".repeat(32);

  it("names a bad key setting for the api and the worker without its value; a good one shows only its key id", () => {
    const worker = { ...env, ONEKEY_WEBHOOK_ENCRYPTION_KEY: encryptionKey };
    for (const [service, source] of [
      ["api", env],
      ["worker", worker],
    ] as const) {
      const bad = {
        ...source,
        ONEKEY_AUDIT_CHAIN_KEYS: JSON.stringify({ k1: SHORT_KEY }),
        ONEKEY_AUDIT_CHAIN_KEY_ID: "k1",
      };
      const refused = checkConfig(`onekey ${service}`, () => planService(service, bad).summary, bad);
      expect(refused.ok).toBe(false);
      expect(refused.text).toContain('ONEKEY_AUDIT_CHAIN_KEYS key "k1" must be at least 32 bytes (it has 31)');
      expect(refused.text).not.toContain(SHORT_KEY);
      const wrongId = {
        ...source,
        ONEKEY_AUDIT_CHAIN_KEYS: JSON.stringify({ k1: GOOD_KEY }),
        ONEKEY_AUDIT_CHAIN_KEY_ID: "k2",
      };
      expect(checkConfig("x", () => planService(service, wrongId).summary, wrongId).text).toContain(
        "ONEKEY_AUDIT_CHAIN_KEY_ID must name one of the keys in ONEKEY_AUDIT_CHAIN_KEYS",
      );
      const notJson = { ...source, ONEKEY_AUDIT_CHAIN_KEYS: `{"k1": "${GOOD_KEY}"`, ONEKEY_AUDIT_CHAIN_KEY_ID: "k1" };
      const broken = checkConfig("x", () => planService(service, notJson).summary, notJson);
      expect(broken.text).toContain("ONEKEY_AUDIT_CHAIN_KEYS must be JSON");
      expect(broken.text).not.toContain(GOOD_KEY);
      const good = {
        ...source,
        ONEKEY_AUDIT_CHAIN_KEYS: JSON.stringify([{ kid: "2026-12", key: GOOD_KEY }]),
        ONEKEY_AUDIT_CHAIN_KEY_ID: "2026-12",
      };
      const accepted = checkConfig(`onekey ${service}`, () => planService(service, good).summary, good);
      expect(accepted).toMatchObject({ ok: true });
      expect(accepted.text).toContain("audit chain keyed (key 2026-12)");
      expect(accepted.text).not.toContain(GOOD_KEY);
    }
    expect(checkConfig("x", () => planService("api", env).summary, env).text).toContain("audit chain unkeyed (v1)");
    // A key map quoted by any reader is cut out too (the variable's name ends in KEYS, not KEY).
    const keys = JSON.stringify({ k1: GOOD_KEY });
    expect(redactConfigMessage(`bad ${keys}`, { ONEKEY_AUDIT_CHAIN_KEYS: keys })).toBe("bad <ONEKEY_AUDIT_CHAIN_KEYS>");
  });
});

describe("what a check prints", () => {
  it("cuts out secret variables' values and URLs, keeps other names and values", () => {
    const env = { ONEKEY_ISSUER_KYC_SIGNER_KEY: "0xdeadbeefcafe", ONEKEY_NETWORK: "baseSepolia" };
    expect(
      redactConfigMessage(
        "ONEKEY_ISSUER_KYC_SIGNER_KEY 0xdeadbeefcafe is not a key; ONEKEY_RPC_URL https://u:p@rpc.example/k is bad; ONEKEY_NETWORK baseSepolia",
        env,
      ),
    ).toBe(
      "ONEKEY_ISSUER_KYC_SIGNER_KEY <ONEKEY_ISSUER_KYC_SIGNER_KEY> is not a key; ONEKEY_RPC_URL <url> is bad; ONEKEY_NETWORK baseSepolia",
    );
    const result = checkConfig(
      "onekey x",
      () => {
        throw new Error("Invalid x configuration:\n  A: Invalid input: expected string, received undefined\n  B: bad");
      },
      {},
    );
    expect(result).toEqual({ ok: false, text: "onekey x: configuration invalid\n  A: is required (unset)\n  B: bad" });
  });
});
