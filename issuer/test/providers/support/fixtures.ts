import { readFileSync } from "node:fs";

/** A provider fixture (test/providers/fixtures/<provider>/<name>.json), parsed. */
export function fixture<T = unknown>(provider: string, name: string): T {
  return JSON.parse(fixtureText(provider, name)) as T;
}

/** The fixture's bytes as text, for signing exactly what is sent. */
export function fixtureText(provider: string, name: string): string {
  return readFileSync(new URL(`../fixtures/${provider}/${name}.json`, import.meta.url), "utf8");
}
