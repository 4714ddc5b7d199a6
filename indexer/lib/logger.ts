/**
 * Structured JSON logs, one object per line on stdout, for the tenant API and the webhook worker. Callers pass only what is safe to keep:
 * route patterns (not paths, which carry addresses), status, timings, ids of projects and keys.
 * Never secrets, API keys, session tokens, signatures, subject addresses or error messages from
 * the database (they can quote row values).
 */
type Level = "debug" | "info" | "warn" | "error";
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  log(level: Level, msg: string, fields?: Record<string, unknown>): void;
}

export type LogLevel = Level;

/** `service` names the process in every line ("onekey-api", "onekey-webhooks"). */
export function createLogger(
  minLevel: Level,
  service: string,
  write: (line: string) => void = (l) => process.stdout.write(l),
): Logger {
  return {
    log(level, msg, fields = {}) {
      if (ORDER[level] < ORDER[minLevel]) return;
      write(`${JSON.stringify({ level, time: new Date().toISOString(), service, msg, ...fields })}\n`);
    },
  };
}

/** What may be logged about an error: its class and code, never its message. */
export function errorFields(error: unknown): Record<string, unknown> {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { errorName: error.name, ...(typeof code === "string" ? { errorCode: code } : {}) };
  }
  return { errorName: typeof error };
}
