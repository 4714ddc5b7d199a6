import { pino } from "pino";

/**
 * Structured JSON logs. Keys, signatures and request bodies never reach a log line: the paths
 * below are redacted even if a caller passes them by mistake.
 */
export function createLogger(level: string, destination?: pino.DestinationStream) {
  return pino(
    {
      level,
      base: { service: "issuer" },
      redact: {
        paths: ["*.privateKey", "*.SPONSOR_SIGNER_PRIVATE_KEY", "*.signature", "*.paymasterData", "*.authorization"],
        censor: "[redacted]",
      },
    },
    destination,
  );
}

export type Logger = ReturnType<typeof createLogger>;

/** Any URL in a string: RPC, database and Redis URLs carry API keys and passwords. */
const URL_PATTERN = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>]+/gi;

/**
 * What of an error may be logged: its name and its short message with every URL cut out. viem's
 * errors print the RPC URL (and the request body) in `message`; their `shortMessage` does not.
 */
export function loggableError(error: unknown): { name: string; message: string } {
  if (!(error instanceof Error)) return { name: typeof error, message: "non-error thrown" };
  const short = (error as { shortMessage?: unknown }).shortMessage;
  const message = typeof short === "string" ? short : error.message;
  return { name: error.name, message: message.replace(URL_PATTERN, "[url]").slice(0, 300) };
}
