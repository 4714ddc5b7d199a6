/**
 * What an npm user gets. `npm pack -w @onekey/sdk` (its prepack runs the build) writes the tarball
 * into a temporary folder; `npm install <tarball> --prefer-offline` puts it into an empty project
 * outside the repository (viem and standardwebhooks come from npm's cache, or the registry when
 * they are not cached: about 15 s); then the installed package is used from plain Node, as ESM and
 * through `require`, and its declarations are typechecked in a consumer. Nothing here resolves the
 * repository's "@onekey/source" condition (NODE_OPTIONS is dropped), so only the tarball's dist/ can
 * answer. About 30-40 s in all; sdk/dist is removed afterwards unless it was there before.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { envelope, SAMPLE_DATA } from "./support/fixtures.js";

const exec = promisify(execFile);
const sdkDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const repoRoot = join(sdkDir, "..");
const distExisted = existsSync(join(sdkDir, "dist"));

/**
 * The environment of every command here: without the repository's "@onekey/source" condition
 * (NODE_OPTIONS, from .npmrc) and without the npm settings that name the project that runs this
 * test (npm_config_local_prefix would make `npm install` write into the repository); npm's cache,
 * registry and TLS settings stay.
 */
function cleanEnv(): NodeJS.ProcessEnv {
  const keep = /^npm_config_(cache|cafile|registry|userconfig|globalconfig|https?_proxy|proxy|noproxy|strict_ssl)$/i;
  return Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => name !== "NODE_OPTIONS" && (!/^npm_/i.test(name) || keep.test(name)),
    ),
  );
}

const npm = (args: string[], cwd: string) => exec("npm", args, { cwd, env: cleanEnv(), maxBuffer: 16 * 1024 * 1024 });
const node = (args: string[], cwd: string) => exec(process.execPath, args, { cwd, env: cleanEnv() });

interface PackResult {
  filename: string;
  name: string;
  version: string;
  files: { path: string }[];
}

let scratch: string;
let project: string;
let packed: PackResult;
let installed: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), "onekey-sdk-pack-"));
  const { stdout } = await npm(["pack", "-w", "@onekey/sdk", "--json", "--pack-destination", scratch], repoRoot);
  [packed] = JSON.parse(stdout) as [PackResult];
  project = join(scratch, "consumer");
  await mkdir(project);
  await writeFile(
    join(project, "package.json"),
    JSON.stringify({ name: "consumer", version: "1.0.0", private: true, type: "module" }),
  );
  await npm(
    ["install", join(scratch, packed.filename), "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts"],
    project,
  );
  installed = join(project, "node_modules", "@onekey", "sdk");
}, 180_000);

afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
  if (!distExisted) await rm(join(sdkDir, "dist"), { recursive: true, force: true });
});

describe("the packed @onekey/sdk", () => {
  it("holds the built JavaScript, declarations, README, LICENSE and package.json, and nothing else", async () => {
    expect(packed).toMatchObject({ name: "@onekey/sdk", filename: `onekey-sdk-${packed.version}.tgz` });
    const modules = (await readdir(join(sdkDir, "src"))).filter((f) => f.endsWith(".ts")).map((f) => f.slice(0, -3));
    expect(modules).toContain("index");
    const expected = [
      "LICENSE",
      "README.md",
      "package.json",
      ...modules.flatMap((m) => [`dist/${m}.js`, `dist/${m}.js.map`, `dist/${m}.d.ts`]),
    ];
    // No src/, test/, tsconfig, openapi.json, .env or anything else: exactly this list.
    expect(packed.files.map((f) => f.path).sort()).toEqual(expected.sort());
    // What was installed is what was packed.
    const installedFiles = [
      ...(await readdir(installed)),
      ...(await readdir(join(installed, "dist"))).map((f) => `dist/${f}`),
    ].filter((f) => f !== "dist");
    expect(installedFiles.sort()).toEqual(expected.sort());
    expect(await readFile(join(installed, "LICENSE"), "utf8")).toBe(await readFile(join(repoRoot, "LICENSE"), "utf8"));
  });

  it("carries no secrets: no private keys, webhook secrets or API keys in any file", async () => {
    const patterns = [
      /-----BEGIN [A-Z ]*PRIVATE KEY-----/, // PEM keys
      /\b0x[0-9a-fA-F]{64}\b/, // a 32-byte hex value: an Ethereum private key looks like this
      /whsec_[A-Za-z0-9+/]{24,}/, // a webhook signing secret
      /okk_[A-Za-z0-9_-]{20,}/, // a tenant API key (indexer/src/api/auth/tokens.ts)
      /(PRIVATE_KEY|SECRET|PASSWORD|TOKEN)\s*=\s*\S/, // .env-style assignments
    ];
    const found: string[] = [];
    for (const { path } of packed.files) {
      const text = await readFile(join(installed, path), "utf8");
      for (const pattern of patterns) if (pattern.test(text)) found.push(`${path}: ${pattern}`);
    }
    expect(found).toEqual([]);
  });

  it("declares a publishable manifest: no private flag, MIT, exports that point into dist/", async () => {
    const manifest = JSON.parse(await readFile(join(installed, "package.json"), "utf8"));
    expect(manifest).not.toHaveProperty("private");
    expect(manifest).toMatchObject({ license: "MIT", type: "module", sideEffects: false });
    expect(manifest.engines.node).toBeDefined();
    expect(manifest.dependencies).toHaveProperty("viem");
    expect(manifest.dependencies).toHaveProperty("standardwebhooks");
    expect(manifest.exports["."]).toMatchObject({ types: "./dist/index.d.ts", default: "./dist/index.js" });
  });

  it("verifies, from plain Node ESM, a webhook signed with the standardwebhooks library", async () => {
    const id = "evt_00112233445566778899aabbccddeeff";
    const body = JSON.stringify(envelope("webhook.test", SAMPLE_DATA["webhook.test"], id));
    const script = `
      import { Webhook } from "standardwebhooks";
      import { verifyWebhook, WebhookVerificationError, isKnownWebhookEvent } from "@onekey/sdk";
      const [body, id] = JSON.parse(process.argv[1]);
      const secret = "whsec_" + Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64");
      const now = new Date();
      const headers = {
        "webhook-id": id,
        "webhook-timestamp": String(Math.floor(now.getTime() / 1000)),
        "webhook-signature": new Webhook(secret).sign(id, now, body),
      };
      const event = verifyWebhook(body, new Headers(headers), secret);
      const reasonOf = (run) => { try { run(); return "accepted"; } catch (e) { return e instanceof WebhookVerificationError ? e.reason : String(e); } };
      const otherSecret = "whsec_" + Buffer.alloc(32, 7).toString("base64");
      console.log(JSON.stringify({
        resolved: import.meta.resolve("@onekey/sdk"),
        type: event.type, known: isKnownWebhookEvent(event), message: event.data.message,
        tampered: reasonOf(() => verifyWebhook(body.replace("Hello", "Hullo"), headers, secret)),
        wrongSecret: reasonOf(() => verifyWebhook(body, headers, otherSecret)),
      }));`;
    const { stdout } = await node(["--input-type=module", "-e", script, JSON.stringify([body, id])], project);
    const result = JSON.parse(stdout);
    expect(result.resolved).toBe(pathToFileURL(join(installed, "dist", "index.js")).href);
    expect(result).toMatchObject({
      type: "webhook.test",
      known: true,
      message: "Hello from OneKey",
      tampered: "bad_signature",
      wrongSecret: "bad_signature",
    });
  });

  it("loads through require (Node's require of ESM) as the same module instance as import", async () => {
    const script = `
      const sdk = require("@onekey/sdk");
      import("@onekey/sdk").then((esm) => console.log(JSON.stringify({
        resolved: require.resolve("@onekey/sdk"),
        same: sdk.verifyWebhook === esm.verifyWebhook && sdk.OneKeyApiError === esm.OneKeyApiError,
        exports: Object.keys(sdk).filter((k) => k !== "__esModule" && k !== "module.exports").sort(),
      })));`;
    const { stdout } = await node(["--input-type=commonjs", "-e", script], project);
    const result = JSON.parse(stdout);
    expect(result.resolved).toBe(join(installed, "dist", "index.js"));
    expect(result.same).toBe(true);
    expect(result.exports).toEqual(
      [
        "DEFAULT_TOLERANCE_SECONDS",
        "OneKeyAdminClient",
        "OneKeyApiError",
        "OneKeyClient",
        "WEBHOOK_EVENT_TYPES",
        "WebhookVerificationError",
        "isKnownWebhookEvent",
        "isWebhookEventType",
        "paginate",
        "parseWebhookEvent",
        "verifyWebhook",
      ].sort(),
    );
  });

  it("calls the tenant API with OneKeyClient and turns a refusal into OneKeyApiError", async () => {
    const seen: string[] = [];
    const server: Server = createServer((req, res) => {
      seen.push(`${req.method} ${req.url} ${req.headers.authorization}`);
      if (req.url === "/v1/project") {
        res
          .writeHead(200, { "content-type": "application/json" })
          .end(JSON.stringify({ projectId: "7", slug: "demo" }));
      } else {
        res
          .writeHead(404, { "content-type": "application/json", "x-request-id": "req_1" })
          .end(JSON.stringify({ error: { code: "not_found", message: "No such subject" } }));
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const script = `
        import { OneKeyClient, OneKeyApiError } from "@onekey/sdk";
        const client = new OneKeyClient({ baseUrl: process.argv[1], apiKey: "okk_test" });
        const project = await client.getProject();
        const error = await client.getSubject("0x0000000000000000000000000000000000000abc").catch((e) => e);
        console.log(JSON.stringify({ project, isApiError: error instanceof OneKeyApiError, status: error.status, code: error.code, requestId: error.requestId }));`;
      const { stdout } = await node(["--input-type=module", "-e", script, baseUrl], project);
      expect(JSON.parse(stdout)).toEqual({
        project: { projectId: "7", slug: "demo" },
        isApiError: true,
        status: 404,
        code: "not_found",
        requestId: "req_1",
      });
      expect(seen).toEqual([
        "GET /v1/project Bearer okk_test",
        "GET /v1/subjects/0x0000000000000000000000000000000000000abc Bearer okk_test",
      ]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("ships declarations a TypeScript consumer compiles against, from ESM and from CommonJS", async () => {
    // Real types, not `any`: each @ts-expect-error must meet an error, or tsc fails.
    await writeFile(
      join(project, "consumer.ts"),
      `import {
  isKnownWebhookEvent,
  OneKeyAdminClient,
  OneKeyApiError,
  OneKeyClient,
  type OneKeyWebhookEvent,
  type SubjectStatus,
  verifyWebhook,
  WebhookVerificationError,
} from "@onekey/sdk";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";

export function receive(body: string, headers: Headers, secrets: string[]): OneKeyWebhookEvent | number {
  try {
    const event = verifyWebhook(body, headers, secrets);
    if (isKnownWebhookEvent(event) && event.type === "consent.revoked") {
      const subject: \`0x\${string}\` = event.data.subject;
      void subject;
    }
    // @ts-expect-error the event id is a string
    const id: number = event.id;
    void id;
    return event;
  } catch (error) {
    return error instanceof WebhookVerificationError ? 400 : 500;
  }
}

export async function status(apiKey: string): Promise<boolean> {
  const onekey = new OneKeyClient({ baseUrl: "https://api.onekey.example", apiKey });
  const subject: SubjectStatus = await onekey.getSubject("0x70997970c51812dc3a010c7d01b50e0d17dc79c8");
  // @ts-expect-error getSubject takes an address
  await onekey.getSubject(42);
  return subject.meetsProjectPolicy;
}

export async function rotateKeys(): Promise<void> {
  const { client: admin, session } = await OneKeyAdminClient.signIn({
    baseUrl: "https://api.onekey.example",
    signer: privateKeyToAccount(generatePrivateKey()),
    chainId: 8453,
  });
  const [projectId] = session.projects;
  if (projectId === undefined) return;
  try {
    const { key, apiKey } = await admin.createApiKey(projectId, { name: "backend", scopes: ["read"] });
    await admin.rotateApiKey(projectId, apiKey.id, { gracePeriodSeconds: 60 });
    void key.length;
  } catch (error) {
    if (!(error instanceof OneKeyApiError) || error.status !== 403) throw error;
  }
}
`,
    );
    await writeFile(
      join(project, "consumer.cts"),
      `import { verifyWebhook, WEBHOOK_EVENT_TYPES } from "@onekey/sdk";
export const types: readonly string[] = WEBHOOK_EVENT_TYPES;
export const verify = (body: string, headers: Record<string, string>, secret: string) => verifyWebhook(body, headers, secret).type;
`,
    );
    await writeFile(
      join(project, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          module: "nodenext",
          moduleResolution: "nodenext",
          target: "es2022",
          // No @types/node: the declarations need only the fetch and Headers types of the DOM lib.
          lib: ["es2023", "dom"],
          types: [],
          strict: true,
          noEmit: true,
          // viem's declarations take 30 s to check and are viem's business; ours are checked as
          // .ts copies below, which skipLibCheck does not skip.
          skipLibCheck: true,
        },
        files: ["consumer.ts", "consumer.cts"],
        include: ["declarations"],
      }),
    );
    await mkdir(join(project, "declarations"));
    for (const file of await readdir(join(installed, "dist"))) {
      if (file.endsWith(".d.ts")) {
        await copyFile(join(installed, "dist", file), join(project, "declarations", file.replace(/\.d\.ts$/, ".ts")));
      }
    }
    const tsc = join(repoRoot, "node_modules", "typescript", "bin", "tsc");
    const result = await node([tsc, "-p", "tsconfig.json"], project).then(
      ({ stdout }) => ({ code: 0, output: stdout }),
      (error: { code: number; stdout: string; stderr: string }) => ({
        code: error.code,
        output: error.stdout + error.stderr,
      }),
    );
    expect(result).toEqual({ code: 0, output: "" });
  }, 60_000);

  it("compiles the README's examples that need only the SDK, viem and Node against the installed package", async () => {
    const readme = await readFile(join(sdkDir, "README.md"), "utf8");
    const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] ?? "");
    // The Hono and Express examples import packages this project does not install; the snippets
    // without imports are fragments (the envelope's shape, the switch over event types).
    const checkable = blocks.filter((code) => {
      const from = [...code.matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1] ?? "");
      return from.length > 0 && from.every((s) => s === "@onekey/sdk" || s.startsWith("viem") || s.startsWith("node:"));
    });
    // The webhook receiver (node:http), the tenant API client and the admin sign-in.
    expect(
      checkable.map((code) => /new OneKeyClient|OneKeyAdminClient\.signIn|verifyWebhook\(/.exec(code)?.[0]),
    ).toEqual(["verifyWebhook(", "new OneKeyClient", "OneKeyAdminClient.signIn"]);
    const files = checkable.map((_, i) => `readme-${i}.ts`);
    await Promise.all(checkable.map((code, i) => writeFile(join(project, files[i] ?? ""), code)));
    await writeFile(
      join(project, "tsconfig.readme.json"),
      JSON.stringify({
        compilerOptions: {
          module: "nodenext",
          moduleResolution: "nodenext",
          target: "es2022",
          lib: ["es2023", "dom"],
          // The examples use process.env and Buffer: Node's types, from the repository's install.
          typeRoots: [join(repoRoot, "node_modules", "@types")],
          types: ["node"],
          strict: true,
          noEmit: true,
          skipLibCheck: true,
        },
        files,
      }),
    );
    const tsc = join(repoRoot, "node_modules", "typescript", "bin", "tsc");
    const result = await node([tsc, "-p", "tsconfig.readme.json"], project).then(
      ({ stdout }) => ({ code: 0, output: stdout }),
      (error: { code: number; stdout: string; stderr: string }) => ({
        code: error.code,
        output: error.stdout + error.stderr,
      }),
    );
    expect(result).toEqual({ code: 0, output: "" });
  }, 60_000);
});
