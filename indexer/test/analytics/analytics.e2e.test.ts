/**
 * Analytics end to end on PostgreSQL: real transactions on a local chain, Ponder indexing them
 * (with its views schema, as the worker reads it), the rebuild from those views, and the answer
 * through Ponder's own tenant API with a project's key. A re-run and a re-index into a new
 * Ponder schema give the same numbers; another project's key sees none of them; the API's own
 * calls arrive through the recorder within its flush interval.
 */
import type { Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rebuildAnalytics } from "../../analytics/rebuild.js";
import { openApiDb } from "../../db/open.js";
import type { ApiDatabase } from "../../db/tables.js";
import { ApiClient } from "../../harness/api.js";
import { type PonderProcess, startPonder } from "../../harness/ponder.js";
import { createTestDatabase, type TestDatabase } from "../../harness/postgres.js";
import { type ChainStack, eventually, startChainStack } from "../support/stack.js";

const DAY = 86_400_000;
const VIEWS = "analytics_views";

interface Report {
  projectId: string;
  series: { metric: string; dimension: string; total: string }[];
}
const totals = (r: Report) => Object.fromEntries(r.series.map((s) => [`${s.metric}/${s.dimension}`, s.total]));

describe("analytics through the chain, Ponder and the tenant API (PostgreSQL)", () => {
  let stack: ChainStack;
  let database: TestDatabase;
  let ponder: PonderProcess;
  let store: Kysely<ApiDatabase>;
  let close: () => Promise<void>;
  let api: ApiClient;
  let keyA: string;
  let keyB: string;
  let range: { from: Date; to: Date };
  let projectA: bigint;
  const startIndexer = (schema: string) =>
    startPonder({
      rpcUrl: stack.chain.rpcUrl,
      deployBookDir: stack.bookDir,
      database: { kind: "postgres", url: database.url },
      schema,
      viewsSchema: VIEWS,
    });

  beforeAll(async () => {
    stack = await startChainStack();
    const chain = stack.onekey;
    const issuer = chain.account(1);
    await chain.registerIssuer(issuer.address);
    const owner = chain.account(2);
    const org = await chain.createOrganization(owner);
    projectA = await chain.createProject(owner, org, "analytics-a");
    const projectB = await chain.createProject(owner, org, "analytics-b");
    // Two subjects consent to A; one is attested again afterwards (that attestation goes to A).
    const alice = await chain.newAccount();
    const bob = await chain.newAccount();
    await chain.attest(issuer, { subject: alice.address, level: 2 });
    await chain.attest(issuer, { subject: bob.address, level: 2 });
    await chain.grantConsent(alice, projectA);
    await chain.grantConsent(bob, projectA);
    await chain.revokeConsent(bob, projectA);
    const last = (await chain.attest(issuer, { subject: alice.address, level: 3 })).receipt;

    database = await createTestDatabase("onekey_analytics_e2e");
    ponder = await startIndexer("analytics_1");
    await ponder.waitForBlock(last.blockNumber);
    api = new ApiClient(ponder.url);
    const session = await api.login(owner);
    keyA = (await api.createKey(session, projectA)).key;
    keyB = (await api.createKey(session, projectB)).key;
    ({ db: store, close } = openApiDb({ kind: "postgres", url: database.url, schema: "onekey_api" }));
    // Whole days around now: a local chain's block times run a little ahead of the wall clock.
    range = { from: new Date(Date.now() - DAY), to: new Date(Date.now() + 2 * DAY) };
  });
  afterAll(async () => {
    await close?.();
    await ponder?.stop();
    await database?.drop();
    await stack?.stop();
  });

  const usage = async (key: string) => {
    const q = `from=${range.from.toISOString()}&to=${range.to.toISOString()}`;
    const res = await api.get<Report>(`/v1/analytics/usage?${q}`, key);
    expect(res.status).toBe(200);
    return res.body;
  };
  const chainFigures = (r: Report) =>
    Object.fromEntries(Object.entries(totals(r)).filter(([k]) => !k.startsWith("api.")));

  it("counts the project's attestations and consents from the chain; a re-run changes nothing", async () => {
    await rebuildAnalytics(store, { views: VIEWS }, range);
    const a = await usage(keyA);
    expect(a.projectId).toBe(projectA.toString());
    expect(chainFigures(a)).toEqual({
      "attestations/": "1",
      "consents.granted/": "2",
      "consents.revoked/": "1",
    });
    await rebuildAnalytics(store, { views: VIEWS }, range);
    expect(chainFigures(await usage(keyA))).toEqual(chainFigures(a));
    // Project B's key: its own project only, which had none of this.
    expect(chainFigures(await usage(keyB))).toEqual({});
  });

  it("counts the API's own calls per route and status within the recorder's flush interval", async () => {
    const report = await eventually(
      "the API's calls in the rollups",
      () => usage(keyA),
      (r) => Number(totals(r)["api.calls/GET /v1/analytics/:family 200"] ?? 0) >= 2,
      15_000,
    );
    // Project B's answer holds B's calls, never A's.
    const b = totals(await usage(keyB));
    expect(Number(b["api.calls/GET /v1/analytics/:family 200"] ?? 0)).toBeLessThan(
      Number(totals(report)["api.calls/GET /v1/analytics/:family 200"]),
    );
  });

  it("re-indexed into a new Ponder schema, the rebuild counts each event once, the new one included", async () => {
    const before = chainFigures(await usage(keyA));
    await ponder.stop();
    // One more consent while no indexer runs: only the new schema can know it.
    const chain = stack.onekey;
    const carol = await chain.newAccount();
    await chain.attest(chain.account(1), { subject: carol.address, level: 2 });
    const last = await chain.grantConsent(carol, projectA);
    ponder = await startIndexer("analytics_2");
    await ponder.waitForBlock(last.blockNumber);
    api = new ApiClient(ponder.url);
    const rebuilt = async () => {
      await rebuildAnalytics(store, { views: VIEWS }, range);
      return chainFigures(await usage(keyA));
    };
    // Ponder points the views at the new schema once it is ready.
    const after = await eventually(
      "the views to point at the new schema",
      rebuilt,
      (f) => f["consents.granted/"] !== "2",
    );
    expect(after).toEqual({ ...before, "consents.granted/": "3" });
    expect(await rebuilt()).toEqual(after);
  });
});
