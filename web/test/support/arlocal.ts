/**
 * arlocal for a test or benchmark: @onekey/devnet/arlocal on a free port, with its database in a
 * temporary directory removed on stop.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RunningArlocal, startArlocalAt } from "@onekey/devnet/arlocal";

export type { RunningArlocal };

export async function startArlocal(): Promise<RunningArlocal> {
  const dbPath = mkdtempSync(join(tmpdir(), "onekey-arlocal-"));
  const arlocal = await startArlocalAt({ port: 0, dbPath });
  return {
    url: arlocal.url,
    async stop() {
      await arlocal.stop();
      rmSync(dbPath, { recursive: true, force: true });
    },
  };
}
