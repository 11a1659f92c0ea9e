/**
 * Suites that need what a machine may lack (the shared data folder, a Python package). One that
 * cannot run is reported as skipped with its reason (listed at the end of the run by
 * test/helpers/skip-reporter.ts), never dropped silently; and where the shared data folder exists,
 * as on CI, a real-data suite whose files are missing fails instead of skipping.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, it } from "vitest";

/** ../shared/data beside the repository. */
export const SHARED_DATA = fileURLToPath(new URL("../../../shared/data/", import.meta.url));

type Status = { run: true } | { run: false; skip: string } | { run: false; fail: string };

/** `describe` when `met`, else one skipped test that carries `reason`. */
export function describeIf(met: boolean, reason: string, name: string, factory: () => void): void {
  describeFor(met ? { run: true } : { run: false, skip: reason }, name, factory);
}

/** `describe` of a suite that reads `paths` (relative to `root`, the shared data folder by default). */
export function describeWithRealData(paths: readonly string[], name: string, factory: () => void, root = SHARED_DATA): void {
  describeFor(realDataStatus(paths, root), name, factory);
}

/** `it` of a test that reads `paths` under the shared data folder. */
export function itWithRealData(paths: readonly string[], name: string, fn: () => Promise<void> | void, timeout?: number): void {
  const status = realDataStatus(paths, SHARED_DATA);
  if (status.run) it(name, fn, timeout);
  else placeholder(status, name);
}

function describeFor(status: Status, name: string, factory: () => void): void {
  if (status.run) describe(name, factory);
  else describe(name, () => placeholder(status, "is not run here"));
}

function placeholder(status: Exclude<Status, { run: true }>, name: string): void {
  if ("skip" in status) it(name, (context) => context.skip(status.skip));
  else {
    it(name, () => {
      throw new Error(status.fail);
    });
  }
}

function realDataStatus(paths: readonly string[], root: string): Status {
  if (!existsSync(root)) return { run: false, skip: `needs the shared data folder ${root}, which is absent` };
  const missing = paths.filter((path) => !existsSync(join(root, path)));
  if (missing.length === 0) return { run: true };
  return { run: false, fail: `${missing.join(", ")} missing from ${root}: where the shared data folder exists, a real-data suite must run` };
}
