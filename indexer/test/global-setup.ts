/** Compiles the contracts once (a no-op when current): the suites deploy them through Ignition. */
import { hardhatCli, runToEnd } from "@onekey/devnet/processes";

export default async function setup(): Promise<void> {
  await runToEnd(process.execPath, [hardhatCli(), "compile", "--no-tests", "--quiet"]);
}
