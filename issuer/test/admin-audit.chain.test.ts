/**
 * The issuer's admin actions reach the one audit trail: through the real issuer (on the shared
 * local chain, which decides who administers a project) to a real HTTP receiver standing in for
 * the tenant API's POST /v1/internal/audit-entries (its own side: indexer/test/api/
 * keyReleases.unit.test.ts). A change and a stranger's refusal are each reported once, with the
 * request id the admin was answered with; while the trail refuses or is away the admin's change
 * still succeeds, and the loss is logged and counted in the issuer's metrics.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { projectRegistryAbi } from "@onekey/deploy";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { IssuerAuditEntry } from "../src/audit/reporter.js";
import { ROLE_ADMIN } from "../src/kyc/projects.js";
import { REFUSED_ADMIN_PER_MINUTE } from "../src/kyc/rate-limits.js";
import { eventually, SessionClient } from "./support/kyc.js";
import { type KycStack, startKycStack } from "./support/kyc-stack.js";
import { createProject, dropTestDatabase, ensureKycIssuer, send, stack } from "./support/stack.js";

const TOKEN = "audit-ingest-token-for-the-issuer-tests-0123";
let kyc: KycStack;
let receiver: Server;
let projectId: bigint;
/** What the receiver took, and the status it answers next. */
const received: { authorization?: string; path?: string; body: IssuerAuditEntry }[] = [];
let answer = 201;

async function signedIn(): Promise<{ client: SessionClient; address: string }> {
  const account = privateKeyToAccount(generatePrivateKey());
  const client = new SessionClient(kyc.issuer.url);
  await client.signInAs(account);
  return { client, address: account.address.toLowerCase() };
}

const putSettings = (client: SessionClient, checks: string[]) =>
  client.request("PUT", `/v1/projects/${projectId}/kyc-settings`, { providers: ["sandbox", "sandbox-b"], checks });

async function metric(outcome: string): Promise<number> {
  const text = await (await fetch(`${kyc.issuer.url}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith(`onekey_issuer_audit_reports_total{outcome="${outcome}"}`));
  return line ? Number(line.split(" ").pop()) : 0;
}

beforeAll(async () => {
  await ensureKycIssuer();
  projectId = await createProject("audited");
  receiver = createServer(async (req, res) => {
    let text = "";
    for await (const chunk of req) text += chunk;
    if (answer < 300)
      received.push({ authorization: req.headers.authorization, path: req.url, body: JSON.parse(text) });
    res.writeHead(answer, { "content-type": "application/json" }).end("{}");
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  kyc = await startKycStack({
    ONEKEY_ISSUER_AUDIT_URL: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`,
    ONEKEY_ISSUER_AUDIT_TOKEN: TOKEN,
  });
});
afterAll(async () => {
  await kyc?.stop();
  await new Promise((resolve) => receiver?.close(resolve));
  await dropTestDatabase();
});

describe("the issuer's admin actions in the audit trail", () => {
  it("reports a project admin's settings change and a stranger's refusal, each with its request id", async () => {
    const admin = await signedIn();
    const { contracts } = stack();
    await send(contracts.projectRegistry, projectRegistryAbi, "grantRole", [projectId, admin.address, ROLE_ADMIN]);
    const stranger = await signedIn();

    const saved = await putSettings(admin.client, ["document", "liveness"]);
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    const refused = await putSettings(stranger.client, ["document", "liveness"]);
    expect(refused.status).toBe(403);
    await kyc.issuer.kyc.audit?.flushed();

    expect(received.map((r) => [r.path, r.authorization])).toEqual([
      ["/v1/internal/audit-entries", `Bearer ${TOKEN}`],
      ["/v1/internal/audit-entries", `Bearer ${TOKEN}`],
    ]);
    expect(received[0]?.body).toMatchObject({
      actor: admin.address,
      action: "issuer.kyc_settings.update",
      target: `project:${projectId}`,
      projectId: projectId.toString(),
      outcome: "ok",
      requestId: saved.headers.get("x-request-id"),
      detail: { providers: ["sandbox", "sandbox-b"], checks: ["document", "liveness"] },
    });
    expect(received[1]?.body).toMatchObject({
      actor: stranger.address,
      outcome: "denied",
      requestId: refused.headers.get("x-request-id"),
      detail: { reason: "not_project_admin" },
    });
    // The ingest token is a secret: never in the issuer's logs.
    expect(kyc.logs.join("")).not.toContain(TOKEN);
  });

  it("never fails the admin's change when the trail refuses it: the loss is logged and counted", async () => {
    const admin = await signedIn();
    const { contracts } = stack();
    await send(contracts.projectRegistry, projectRegistryAbi, "grantRole", [projectId, admin.address, ROLE_ADMIN]);
    const droppedBefore = await metric("dropped");
    answer = 400;
    try {
      const saved = await putSettings(admin.client, ["document", "liveness", "sanctions", "pep"]);
      expect(saved.status, JSON.stringify(saved.body)).toBe(200);
      await eventually(
        "the dropped report in the metrics",
        () => metric("dropped"),
        (n) => n === droppedBefore + 1,
      );
      const requestId = saved.headers.get("x-request-id") as string;
      expect(kyc.logs.some((l) => l.includes("audit report dropped") && l.includes(requestId))).toBe(true);
    } finally {
      answer = 201;
    }
    expect((await metric("sent")) >= 2).toBe(true);
  });

  it("attack: a stranger's flood of refused changes is limited per address before it is reported, so it cannot crowd out the trail", async () => {
    const admin = await signedIn();
    const { contracts } = stack();
    await send(contracts.projectRegistry, projectRegistryAbi, "grantRole", [projectId, admin.address, ROLE_ADMIN]);
    const flooder = await signedIn();
    const statuses: number[] = [];
    for (let i = 0; i < REFUSED_ADMIN_PER_MINUTE + 3; i++) {
      const answer = await putSettings(flooder.client, ["document", "liveness"]);
      statuses.push(answer.status);
      if (answer.status === 429) expect(answer.body).toMatchObject({ error: { code: "rate_limited" } });
    }
    expect(statuses).toEqual([...Array(REFUSED_ADMIN_PER_MINUTE).fill(403), 429, 429, 429]);
    // Another address still gets its own answer, and the admin's change is reported.
    expect((await putSettings((await signedIn()).client, ["document", "liveness"])).status).toBe(403);
    const saved = await putSettings(admin.client, ["document", "liveness"]);
    expect(saved.status).toBe(200);
    await kyc.issuer.kyc.audit?.flushed();
    const fromFlooder = received.filter((r) => r.body.actor === flooder.address);
    expect(fromFlooder).toHaveLength(REFUSED_ADMIN_PER_MINUTE);
    expect(fromFlooder.every((r) => r.body.outcome === "denied")).toBe(true);
    expect(
      received.some((r) => r.body.requestId === saved.headers.get("x-request-id") && r.body.outcome === "ok"),
    ).toBe(true);
  });
});
