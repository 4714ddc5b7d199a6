/**
 * What `npm run dev` seeds so that a newcomer can try the dApp, the dashboard and the API at once:
 * the demo organization and project with a funded sponsorship budget (on the chain, as Hardhat's
 * account #0), then, through @onekey/sdk signed in as that account (the organization's owner, so
 * the project's admin), a project API key and a webhook endpoint pointing at a small local
 * receiver that verifies every delivery with the SDK's verifyWebhook. `npm run dev -- --empty`
 * seeds none of it.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { parseArgs } from "node:util";
import type { Deployment } from "@onekey/deploy";
import { waitFor } from "@onekey/devnet/processes";
import {
  type ApiKeyScope,
  OneKeyAdminClient,
  type OneKeyClient,
  verifyWebhook,
  WebhookVerificationError,
} from "@onekey/sdk";
import { demoOwner, seedProject } from "@onekey/web/harness";
import type { LocalAccount } from "viem";

export interface DevOptions {
  /** `--empty`: start the stack bare, with no demo organization, project, API key or endpoint. */
  empty: boolean;
}

const USAGE = "usage: npm run dev [-- --empty]";

/** `npm run dev`'s arguments; anything unknown is refused before anything starts. */
export function parseDevArgs(args: readonly string[]): DevOptions {
  try {
    const { values } = parseArgs({
      args: [...args],
      options: { empty: { type: "boolean", default: false } },
      strict: true,
      allowPositionals: false,
    });
    return { empty: values.empty };
  } catch (error) {
    throw new Error(`npm run dev: ${error instanceof Error ? error.message : String(error)} (${USAGE})`);
  }
}

// ---------------------------------------------------------------- the receiver

export interface DevWebhookReceiver {
  /** Where the endpoint points: http://127.0.0.1:<port>/webhooks/onekey. */
  url: string;
  /** The endpoint's signing secrets (the current one first; during a rotation also the previous one). */
  setSecrets(secrets: string[]): void;
  /** The ids of the deliveries verified so far, in arrival order. */
  verified: string[];
  close(): Promise<void>;
}

const RECEIVER_PATH = "/webhooks/onekey";
/** Deliveries are small JSON envelopes; anything bigger is not one. */
const MAX_BODY_BYTES = 1 << 20;

/**
 * A webhook receiver on a free port of 127.0.0.1 that does what an integrator's must: verify the
 * raw body's Standard Webhooks signature (verifyWebhook), answer 204, and log
 * `webhook <type> <id> verified`. A delivery that fails verification gets 400 and a log line with
 * the reason; one that arrives before the secret is known gets 503 (the worker retries it).
 */
export async function startDevWebhookReceiver(
  options: { log?: (line: string) => void } = {},
): Promise<DevWebhookReceiver> {
  const log = options.log ?? ((line: string) => console.log(line));
  let secrets: string[] = [];
  const verified: string[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on("end", () => {
      if (size > MAX_BODY_BYTES) {
        res.writeHead(413).end();
        log("webhook rejected (body too large)");
        return;
      }
      if (req.method !== "POST" || new URL(req.url ?? "/", "http://x").pathname !== RECEIVER_PATH) {
        res.writeHead(404).end();
        return;
      }
      if (secrets.length === 0) {
        res.writeHead(503).end();
        return;
      }
      try {
        const event = verifyWebhook(Buffer.concat(chunks), req.headers, secrets);
        verified.push(event.id);
        res.writeHead(204).end();
        log(`webhook ${event.type} ${event.id} verified`);
      } catch (error) {
        const reason = error instanceof WebhookVerificationError ? error.reason : "error";
        res.writeHead(reason === "error" ? 500 : 400).end();
        log(`webhook rejected (${reason})`);
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${RECEIVER_PATH}`,
    setSecrets: (next) => {
      secrets = [...next];
    },
    verified,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// ---------------------------------------------------------------- the seed

export interface DemoSeed {
  orgId: bigint;
  projectId: bigint;
  slug: string;
  /** The admin who seeded it (the organization's owner). */
  admin: `0x${string}`;
  /** The project's API key. `secret` is shown once: print it, never write it to a file. */
  apiKey: { id: string; prefix: string; scopes: ApiKeyScope[]; secret: string };
  /** The webhook endpoint at the receiver, and the `webhook.test` event sent to it. */
  webhook: { endpointId: string; url: string; testEventId: string };
  /** A tenant API client with the demo key. */
  client: OneKeyClient;
}

export const DEMO_SLUG = "demo";
export const DEMO_KEY_SCOPES: ApiKeyScope[] = ["read", "webhooks:manage"];

export interface SeedDemoOptions {
  rpcUrl: string;
  deployment: Deployment;
  /** The tenant API (the indexer's URL). */
  apiUrl: string;
  slug?: string;
  /** Default Hardhat's account #0 (a public test key). */
  owner?: LocalAccount;
  /** How long to wait for the indexer to see the new project (default 60 s). */
  indexTimeoutMs?: number;
}

/**
 * Seeds the demo project on the chain, waits until the tenant API sees the owner as its admin,
 * then creates its API key and webhook endpoint through the SDK, gives the receiver the
 * endpoint's secret and sends it a `webhook.test` event (delivered when the webhook worker runs).
 * The key's secret is returned, never logged or written here.
 */
export async function seedDemo(
  options: SeedDemoOptions & { receiver: Pick<DevWebhookReceiver, "url" | "setSecrets"> },
): Promise<DemoSeed> {
  // mnemonicToAccount: a LocalAccount, which signs here.
  const owner = options.owner ?? (demoOwner() as LocalAccount);
  const demo = await seedProject({
    rpcUrl: options.rpcUrl,
    deployment: options.deployment,
    slug: options.slug ?? DEMO_SLUG,
    owner,
  });
  const { client: admin } = await OneKeyAdminClient.signIn({
    baseUrl: options.apiUrl,
    signer: owner,
    statement: "npm run dev signs in as the demo organization's owner to seed its API key and webhook endpoint.",
  });
  try {
    // Admin rights come from the indexed chain: wait until the indexer has the new project.
    const projectId = String(demo.projectId);
    await waitFor(
      `the tenant API to index project ${projectId}`,
      async () => (await admin.getSession()).projects.includes(projectId),
      options.indexTimeoutMs ?? 60_000,
    );
    const created = await admin.createApiKey(projectId, { name: "npm run dev", scopes: DEMO_KEY_SCOPES });
    const client = admin.clientFor(created.key);
    const { endpoint, secret } = await client.createWebhookEndpoint({
      url: options.receiver.url,
      description: "npm run dev: the local receiver",
    });
    options.receiver.setSecrets([secret]);
    const test = await client.sendTestWebhook(endpoint.id);
    return {
      ...demo,
      admin: owner.address,
      apiKey: {
        id: created.apiKey.id,
        prefix: created.apiKey.prefix,
        scopes: created.apiKey.scopes,
        secret: created.key,
      },
      webhook: { endpointId: endpoint.id, url: endpoint.url, testEventId: test.eventId },
      client,
    };
  } finally {
    // The seeding session has done its work: end it rather than leave a live admin token.
    await admin.signOut().catch(() => undefined);
  }
}

// ---------------------------------------------------------------- what dev.ts runs and prints

export interface DevDemo {
  /** Absent with --empty. */
  seed?: DemoSeed;
  receiver?: DevWebhookReceiver;
  stop(): Promise<void>;
}

/** dev's seeding step: nothing at all with --empty; else the receiver, then the demo. */
export async function seedDevDemo(
  options: DevOptions & SeedDemoOptions & { log?: (line: string) => void },
): Promise<DevDemo> {
  if (options.empty) return { stop: async () => undefined };
  const receiver = await startDevWebhookReceiver({ log: options.log });
  try {
    const seed = await seedDemo({ ...options, receiver });
    return { seed, receiver, stop: () => receiver.close() };
  } catch (error) {
    await receiver.close();
    throw error;
  }
}

/** The demo's entry in .dev/stack.json: ids and URLs, never the API key's secret. */
export function demoStackEntry(seed: DemoSeed | undefined) {
  if (!seed) return null;
  return {
    orgId: String(seed.orgId),
    projectId: String(seed.projectId),
    slug: seed.slug,
    apiKeyId: seed.apiKey.id,
    webhookEndpointId: seed.webhook.endpointId,
    webhookReceiverUrl: seed.webhook.url,
  };
}

/** dev's banner lines about the demo. The API key's secret is printed here, once, and nowhere else. */
export function demoBanner(seed: DemoSeed | undefined, appUrl: string): string[] {
  if (!seed) {
    return [
      "  demo       none (--empty): no demo organization, project, API key or webhook endpoint",
      `             create them in the dashboard (${appUrl}/dashboard) or with the admin commands`,
    ];
  }
  return [
    `  demo       organization ${seed.orgId}, project ${seed.projectId} "${seed.slug}" (1 ETH sponsorship budget; admin ${seed.admin}, Hardhat account #0)`,
    `  api key    ${seed.apiKey.secret}`,
    `             id ${seed.apiKey.id}, scopes ${seed.apiKey.scopes.join(", ")}: shown only here, saved nowhere`,
    `  receiver   ${seed.webhook.url} (endpoint ${seed.webhook.endpointId}; logs "webhook <type> <id> verified")`,
  ];
}
