/**
 * Feature flags (deploy/flags.ts): each network's file parses, a bad file is refused naming the
 * member, a project's override beats the environment, a rollout is stable and grows by adding
 * projects (never swapping them), and a watcher takes a changed file but keeps the last good set
 * when the change is invalid.
 */
import assert from "node:assert/strict";
import { mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { FEATURE_FLAGS, FlagFileError, FlagSet, flagsFile, watchFlags } from "../../deploy/flags.js";
import type { NetworkName } from "../../deploy/networks.js";
import { networks } from "../../deploy/networks.js";

const flags = (body: unknown) => FlagSet.parse(JSON.stringify(body), "test.json");

/** Polls `check` every 20 ms until it holds (the watcher polls the file every 25 ms here). */
async function until(what: string, check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("feature flags", () => {
  it("each network has a file that parses, and every flag has a description", () => {
    for (const network of Object.keys(networks) as NetworkName[]) FlagSet.read(flagsFile(network));
    for (const [name, flag] of Object.entries(FEATURE_FLAGS)) assert.ok(flag.description.length > 20, name);
  });

  it("takes each flag's default when the file is silent", () => {
    const empty = flags({});
    for (const name of Object.keys(FEATURE_FLAGS) as (keyof typeof FEATURE_FLAGS)[]) {
      assert.equal(empty.isOn(name), FEATURE_FLAGS[name].default);
      assert.equal(empty.isOn(name, 7n), FEATURE_FLAGS[name].default);
    }
  });

  it("lets a project's own setting beat the environment's, both ways", () => {
    const set = flags({
      flags: {
        sponsorship: { enabled: true, projects: { "7": false } },
        kycSessions: { enabled: false, projects: { "8": true } },
      },
    });
    assert.equal(set.isOn("sponsorship", 7n), false);
    assert.equal(set.isOn("sponsorship", 8n), true);
    assert.equal(set.isOn("sponsorship"), true);
    assert.equal(set.isOn("kycSessions", 8n), true);
    assert.equal(set.isOn("kycSessions", "9"), false);
    assert.equal(set.isOn("kycSessions"), false);
  });

  it("rolls out to about the stated share of projects, keeping those already in as it grows", () => {
    const projects = Array.from({ length: 2_000 }, (_, i) => BigInt(i + 1));
    const inAt = (percent: number) =>
      new Set(
        projects.filter((p) => flags({ flags: { sponsorship: { rolloutPercent: percent } } }).isOn("sponsorship", p)),
      );
    const ten = inAt(10);
    const fifty = inAt(50);
    assert.ok(ten.size > 140 && ten.size < 260, `10% gave ${ten.size} of 2000`);
    assert.ok(fifty.size > 900 && fifty.size < 1100, `50% gave ${fifty.size} of 2000`);
    for (const project of ten) assert.ok(fifty.has(project), `project ${project} left the rollout as it grew`);
    assert.equal(inAt(0).size, 0);
    assert.equal(inAt(100).size, projects.length);
  });

  it("refuses a bad file, naming what is wrong", () => {
    const refused = (body: unknown, message: RegExp) =>
      assert.throws(
        () => flags(body),
        (error: Error) => error instanceof FlagFileError && message.test(error.message),
      );
    refused({ flags: { sponsorshp: {} } }, /flags\.sponsorshp is not a flag \(known: sponsorship, kycSessions/);
    refused({ flags: { sponsorship: { enabled: "no" } } }, /flags\.sponsorship\.enabled must be true or false/);
    refused({ flags: { sponsorship: { rolloutPercent: 101 } } }, /rolloutPercent must be an integer from 0 to 100/);
    refused({ flags: { sponsorship: { projects: { abc: false } } } }, /projects\.abc is not a project id/);
    refused({ flags: { sponsorship: { rollout: 5 } } }, /flags\.sponsorship\.rollout is not a member/);
    refused({ flag: {} }, /flag is not a member/);
    assert.throws(() => FlagSet.parse("{", "x.json"), /x\.json: not JSON/);
  });

  describe("a watched file", () => {
    const dir = mkdtempSync(join(tmpdir(), "onekey-flags-"));
    const file = join(dir, "flags.json");
    after(() => rmSync(dir, { recursive: true, force: true }));

    /** As an operator should: a whole new file renamed over the old one, never half written. */
    const replace = (body: unknown) => {
      writeFileSync(`${file}.next`, typeof body === "string" ? body : JSON.stringify(body));
      renameSync(`${file}.next`, file);
    };

    it("is read at start, re-read on change, and a bad change or a deleted file keeps the last good set", async () => {
      replace({ flags: { sponsorship: { projects: { "7": false } } } });
      const errors: string[] = [];
      let reloads = 0;
      const watched = watchFlags(file, {
        intervalMs: 25,
        onChange: () => reloads++,
        onError: (error) => errors.push(error.message),
      });
      try {
        assert.equal(watched.isOn("sponsorship", 7n), false);

        replace({ flags: { sponsorship: { projects: { "7": true, "8": false } } } });
        await until("the change", () => watched.isOn("sponsorship", 8n) === false);
        assert.equal(watched.isOn("sponsorship", 7n), true);
        assert.equal(reloads, 1);

        replace({ flags: { sponsorship: { enabled: "off" } } });
        await until("the bad change to be reported", () => errors.length === 1);
        assert.match(errors[0] as string, /flags\.sponsorship\.enabled must be true or false/);
        assert.equal(watched.isOn("sponsorship", 8n), false);
        assert.equal(watched.isOn("sponsorship", 7n), true);

        // Gone: said once, not on every poll, and the last good set stays.
        rmSync(file);
        await until("the deletion to be reported", () => errors.length === 2);
        assert.match(errors[1] as string, /cannot be read \(ENOENT\)/);
        replace({ flags: { sponsorship: { projects: { "8": true } } } });
        await until("the file's return", () => watched.isOn("sponsorship", 8n));
        assert.equal(errors.length, 2);
        assert.equal(reloads, 2);
      } finally {
        watched.stop();
      }
    });

    it("stops a bad start with the file's problem", () => {
      replace("not json");
      assert.throws(() => watchFlags(file), /flags\.json: not JSON/);
      assert.throws(() => watchFlags(join(dir, "missing.json")), /missing\.json: cannot be read \(ENOENT\)/);
    });
  });
});
