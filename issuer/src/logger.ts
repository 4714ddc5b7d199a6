import { pino } from "pino";

/**
 * Structured JSON logs. Keys, signatures and request bodies never reach a log line: the paths
 * below are redacted even if a caller passes them by mistake.
 */
export function createLogger(level: string) {
  return pino({
    level,
    base: { service: "issuer" },
    redact: {
      paths: ["*.privateKey", "*.SPONSOR_SIGNER_PRIVATE_KEY", "*.signature", "*.paymasterData", "*.authorization"],
      censor: "[redacted]",
    },
  });
}

export type Logger = ReturnType<typeof createLogger>;
