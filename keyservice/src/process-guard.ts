/**
 * The last line of defence of a long-running service: an error that escaped every handler (an
 * unhandled rejection, an uncaught exception) is logged as one JSON line and the process keeps
 * serving, instead of Node's default of exiting and taking every other client down with it.
 * The line holds the error's name and its message with any URL cut out (RPC URLs carry API keys).
 */
export type GuardLog = (line: { level: "error"; msg: string; error: string; message: string }) => void;

const defaultLog: GuardLog = (line) => process.stderr.write(`${JSON.stringify(line)}\n`);

function describe(reason: unknown): { error: string; message: string } {
  const error = reason instanceof Error ? reason : new Error(String(reason));
  return { error: error.name, message: error.message.replace(/\b[a-z][a-z0-9+.-]*:\/\/\S+/gi, "<url>").slice(0, 500) };
}

/** Installs the guard; returns a function that removes it. */
export function guardProcess(log: GuardLog = defaultLog): () => void {
  const onRejection = (reason: unknown) => log({ level: "error", msg: "unhandled rejection", ...describe(reason) });
  const onException = (error: unknown) => log({ level: "error", msg: "uncaught exception", ...describe(error) });
  process.on("unhandledRejection", onRejection);
  process.on("uncaughtException", onException);
  return () => {
    process.off("unhandledRejection", onRejection);
    process.off("uncaughtException", onException);
  };
}
