/** Line coverage of one source file, as an LCOV `SF` record reports it. */
export interface FileCoverage {
  file: string;
  linesFound: number;
  linesHit: number;
}

/**
 * Reads the line counts of every record in an LCOV report. `LF`/`LH` are used when present;
 * otherwise the `DA` lines are counted (both are written by Hardhat 3's coverage).
 */
export function parseLcov(report: string): FileCoverage[] {
  const files: FileCoverage[] = [];
  let current: { file: string; found?: number; hit?: number; da: Map<number, number> } | undefined;
  for (const raw of report.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith("SF:")) {
      current = { file: line.slice(3), da: new Map() };
      continue;
    }
    if (!current) continue;
    if (line.startsWith("DA:")) {
      const [lineNo, count] = line.slice(3).split(",").map(Number);
      if (lineNo !== undefined && count !== undefined) {
        current.da.set(lineNo, Math.max(current.da.get(lineNo) ?? 0, count));
      }
    } else if (line.startsWith("LF:")) {
      current.found = Number(line.slice(3));
    } else if (line.startsWith("LH:")) {
      current.hit = Number(line.slice(3));
    } else if (line === "end_of_record") {
      const counts = [...current.da.values()];
      files.push({
        file: current.file,
        linesFound: current.found ?? counts.length,
        linesHit: current.hit ?? counts.filter((c) => c > 0).length,
      });
      current = undefined;
    }
  }
  return files;
}

/** Percentage with two decimals; a file without executable lines counts as fully covered. */
export function percent(hit: number, found: number): number {
  return found === 0 ? 100 : Math.floor((hit / found) * 10_000) / 100;
}
