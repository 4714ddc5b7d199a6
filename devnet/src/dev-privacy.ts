/**
 * The local stand-ins for the privacy networks in `npm run dev`: arlocal (Arweave gateway,
 * ONEKEY_ARLOCAL_PORT, default 1984), the local ANS-104 bundler node (the Irys/Turbo stand-in
 * and the local upload target, ONEKEY_DATA_BUNDLER_PORT, default 1985) and the local key service
 * (Lit's stand-in, ONEKEY_KEYSERVICE_PORT, default 4010) reading the dev chain. The bundler node
 * settles what it stores to arlocal, as Turbo settles to Arweave. Fresh each start:
 * arlocal's database (.dev/arlocal) and the bundler's items (.dev/data-bundler) are removed on
 * start and stop; the key service keeps keys in memory (the chain they are bound to is fresh too).
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import { startArlocalAt } from "./arlocal.js";
import { type SettlerFactory, startLocalBundler } from "./local-bundler.js";
import { repoRoot, startProcess, waitFor } from "./processes.js";

export type PortFor = (variable: string, fallback: number, what: string) => Promise<number>;

export interface DevPrivacy {
  arlocalUrl: string;
  bundlerUrl: string;
  keyserviceUrl: string;
  /** Lines for the dev summary, already indented. */
  summary: string[];
  stop(): Promise<void>;
}

export async function startDevPrivacy(options: {
  rpcUrl: string;
  /** The dev chain's deployment book (the key service reads its KycRegistry there); deploy/deployments by default. */
  deployBookDir?: string;
  portFor: PortFor;
  /** How the bundler node settles to arlocal (the privacy library's arlocal adapter). */
  settlerFor: (arlocalUrl: string) => SettlerFactory;
  /** Where the key service reports each release (the tenant API's audit trail) and its service token. */
  audit?: { url: string; token: string };
}): Promise<DevPrivacy> {
  const dbPath = join(repoRoot, ".dev", "arlocal");
  rmSync(dbPath, { recursive: true, force: true });
  const arlocal = await startArlocalAt({
    port: await options.portFor("ONEKEY_ARLOCAL_PORT", 1984, "arlocal gateway"),
    dbPath,
  });

  const bundlerDir = join(repoRoot, ".dev", "data-bundler");
  rmSync(bundlerDir, { recursive: true, force: true });
  const bundler = await startLocalBundler({
    port: await options.portFor("ONEKEY_DATA_BUNDLER_PORT", 1985, "ANS-104 bundler node"),
    dataDir: bundlerDir,
    settleTo: options.settlerFor(arlocal.url),
    log: (line) => console.warn(`[data bundler] ${line}`),
  });

  const keyservicePort = await options.portFor("ONEKEY_KEYSERVICE_PORT", 4010, "key service");
  const keyserviceUrl = `http://127.0.0.1:${keyservicePort}`;
  const keyservice = startProcess(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: join(repoRoot, "keyservice"),
    env: {
      ONEKEY_NETWORK: "local",
      ONEKEY_RPC_URL: options.rpcUrl,
      ...(options.deployBookDir ? { ONEKEY_DEPLOY_BOOK_DIR: options.deployBookDir } : {}),
      ONEKEY_KEYSERVICE_HOST: "127.0.0.1",
      ONEKEY_KEYSERVICE_PORT: String(keyservicePort),
      ONEKEY_KEYSERVICE_DATA_DIR: "",
      ...(options.audit
        ? { ONEKEY_KEYSERVICE_AUDIT_URL: options.audit.url, ONEKEY_KEYSERVICE_AUDIT_TOKEN: options.audit.token }
        : {}),
    },
  });
  const stopStorage = async () => {
    await bundler.stop();
    rmSync(bundlerDir, { recursive: true, force: true });
    await arlocal.stop();
    rmSync(dbPath, { recursive: true, force: true });
  };
  try {
    await waitFor(`key service on ${keyserviceUrl}`, async () => {
      if (keyservice.child.exitCode !== null) throw new Error(`key service exited:\n${keyservice.output()}`);
      return (await fetch(`${keyserviceUrl}/health`)).ok;
    });
  } catch (error) {
    await keyservice.stop();
    await stopStorage();
    throw error;
  }

  return {
    arlocalUrl: arlocal.url,
    bundlerUrl: bundler.url,
    keyserviceUrl,
    summary: [
      `  arlocal    ${arlocal.url} (local Arweave gateway; data in .dev/arlocal, removed on stop)`,
      `  uploads    ${bundler.url} (local ANS-104 bundler node: POST /tx, GET /<id>, POST /graphql; settles to arlocal)`,
      `  keys       ${keyserviceUrl} (local key service, Lit's stand-in; releases on canDecrypt)`,
    ],
    async stop() {
      await keyservice.stop();
      await stopStorage();
    },
  };
}
