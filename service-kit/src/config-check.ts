/**
 * `--check-config`, the same on every service: validate the configuration without starting
 * anything (no database, RPC or Redis is contacted), print one "ok" line and exit 0, or print each
 * problem by variable name and exit 1. What it prints never holds a secret: readers' messages may
 * quote a value, so the values of secret-looking variables and anything URL-shaped (RPC, database
 * and Redis URLs carry credentials) are cut out before printing.
 */

export const CHECK_CONFIG_FLAG = "--check-config";

export interface ConfigCheck {
  ok: boolean;
  /** What to print: "<service>: configuration ok (summary)" or one problem per line. */
  text: string;
}

/** Variables whose values are secrets or may carry credentials (read without the ONEKEY_ prefix). */
const SECRET_NAME = /(^|_)(KEYS?|SECRETS?|TOKEN|PASSWORD|URL|DSN|MNEMONIC)(_|$)/i;
/** zod's words for a required variable that is unset. */
const MISSING = /Invalid input: expected \w+, received undefined/;
const URL_LIKE = /\b[a-z][a-z0-9+.-]*:\/\/\S+/gi;

/** `message` with secret values and URLs replaced by placeholders. */
export function redactConfigMessage(message: string, env: Record<string, string | undefined>): string {
  let text = message;
  for (const [name, value] of Object.entries(env)) {
    if (!value || value.length < 4 || !SECRET_NAME.test(name.replace(/^ONEKEY_/, ""))) continue;
    text = text.split(value).join(`<${name}>`);
  }
  return text.replace(URL_LIKE, "<url>");
}

/**
 * Runs `read` (the service's own configuration reader, which throws naming each bad variable)
 * and says what came of it. `read` may return a short summary of what it read (no secrets).
 */
export function checkConfig(
  service: string,
  read: () => string | undefined,
  env: Record<string, string | undefined> = process.env,
): ConfigCheck {
  try {
    const summary = read();
    return { ok: true, text: `${service}: configuration ok${summary ? ` (${summary})` : ""}` };
  } catch (error) {
    const message = redactConfigMessage(error instanceof Error ? error.message : String(error), env);
    // Readers join their problems with "; " or new lines: one per line reads best.
    const problems = message
      .split(/;\s+|\n/)
      .map((line) => line.trim().replace(MISSING, "is required (unset)"))
      // Drop the readers' own headers ("Invalid issuer configuration:"): the first line says it.
      .filter((line) => line && !/^invalid [\w ]+:$/i.test(line));
    return { ok: false, text: [`${service}: configuration invalid`, ...problems.map((p) => `  ${p}`)].join("\n") };
  }
}

/** When started with --check-config: checks, prints and exits; otherwise returns at once. */
export function exitAfterConfigCheck(
  service: string,
  read: () => string | undefined,
  argv: readonly string[] = process.argv,
): void {
  if (!argv.includes(CHECK_CONFIG_FLAG)) return;
  const result = checkConfig(service, read);
  (result.ok ? process.stdout : process.stderr).write(`${result.text}\n`);
  process.exit(result.ok ? 0 : 1);
}
