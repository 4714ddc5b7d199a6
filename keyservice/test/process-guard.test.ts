import { join } from "node:path";
import { repoRoot, startProcess, waitFor } from "@onekey/devnet/processes";
import { expect, it } from "vitest";

it("logs an error that escaped every handler, without its URL, and keeps serving", async () => {
  const service = startProcess(process.execPath, ["--import", "tsx", "test/support/faulty-service.ts"], {
    cwd: join(repoRoot, "keyservice"),
  });
  try {
    const lines = await waitFor("both faults to be logged", async () => {
      if (service.child.exitCode !== null) throw new Error(`the service exited:\n${service.output()}`);
      const logged = service
        .output()
        .split("\n")
        .filter((line) => line.startsWith('{"level":"error"'));
      return logged.length === 2 ? logged.map((line) => JSON.parse(line) as Record<string, string>) : undefined;
    });
    expect(lines).toEqual(
      expect.arrayContaining([
        { level: "error", msg: "unhandled rejection", error: "Error", message: "eth_call failed at <url>" },
        { level: "error", msg: "uncaught exception", error: "TypeError", message: "cannot read <url>" },
      ]),
    );
    expect(service.output()).not.toContain("SECRET");
    const url = /"keyservice":"(http:\/\/[^"]+)"/.exec(service.output())?.[1];
    expect(await (await fetch(`${url}/health`)).json()).toEqual({ ok: true });
    expect(service.child.exitCode).toBeNull();
  } finally {
    await service.stop();
  }
});
