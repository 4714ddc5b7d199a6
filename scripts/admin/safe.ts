/**
 * Writes Safe Transaction Builder batches (built by @onekey/deploy's safe-batch.ts, which the
 * operators' API uses too) for the governance commands: to stdout or a file, or appended to a
 * batch file so several calls go to the Safe as one.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { type SafeBatchFile, safeBatchChecksum } from "@onekey/deploy";

/**
 * Prints the batch as JSON to stdout (nothing else goes there, so it pipes into a file), or writes
 * it to `file` and says where.
 */
export function emitSafeBatch(batch: SafeBatchFile, file?: string): void {
  const text = `${JSON.stringify(batch, null, 2)}\n`;
  if (file === undefined) {
    process.stdout.write(text);
    return;
  }
  const path = resolve(file);
  writeFileSync(path, text);
  const count = batch.transactions.length;
  console.log(
    `Wrote a Safe Transaction Builder batch of ${count} transaction${count === 1 ? "" : "s"} to ${path}: import it in the Safe app (Apps > Transaction Builder), then sign and execute it there.`,
  );
}

/**
 * Adds `batch`'s transactions to the batch in `file` (created when missing), so several governance
 * calls go to the Safe as one batch and one round of signatures. The file must be a batch for the
 * same chain and, when both name one, the same Safe; the checksum is recomputed.
 */
export function appendSafeBatch(batch: SafeBatchFile, file: string): void {
  const path = resolve(file);
  if (!existsSync(path)) {
    emitSafeBatch(batch, file);
    return;
  }
  let existing: SafeBatchFile;
  try {
    existing = JSON.parse(readFileSync(path, "utf8")) as SafeBatchFile;
  } catch (error) {
    throw new Error(`--safe-append: ${path} is not JSON (${(error as Error).message}); nothing was added.`);
  }
  if (existing?.version !== "1.0" || !Array.isArray(existing.transactions) || typeof existing.meta !== "object") {
    throw new Error(`--safe-append: ${path} is not a Safe Transaction Builder batch (version 1.0); nothing was added.`);
  }
  if (existing.chainId !== batch.chainId) {
    throw new Error(
      `--safe-append: ${path} is a batch for chain ${existing.chainId}, not ${batch.chainId}; nothing was added.`,
    );
  }
  const safe = existing.meta.createdFromSafeAddress;
  const ours = batch.meta.createdFromSafeAddress;
  if (safe && ours && safe.toLowerCase() !== ours.toLowerCase()) {
    throw new Error(`--safe-append: ${path} is a batch for the Safe ${safe}, not ${ours}; nothing was added.`);
  }
  const { checksum: _old, ...meta } = existing.meta;
  const merged: SafeBatchFile = {
    ...existing,
    meta: {
      ...meta,
      name: "OneKey: admin batch",
      description: [meta.description, batch.meta.description].filter(Boolean).join("\n"),
      createdFromSafeAddress: safe || ours,
    },
    transactions: [...existing.transactions, ...batch.transactions],
  };
  merged.meta.checksum = safeBatchChecksum(merged);
  writeFileSync(path, `${JSON.stringify(merged, null, 2)}\n`);
  const count = merged.transactions.length;
  console.log(
    `Added ${batch.transactions.length} transaction to the Safe Transaction Builder batch ${path}, now ${count} transaction${count === 1 ? "" : "s"}: import it in the Safe app (Apps > Transaction Builder) once it holds every call.`,
  );
}
