import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createPyodideRuntime } from "../../src/runtime/pyodide/pyodide-runtime.js";

const program = "import collections\ndef f(text):\n    return collections.Counter(text).most_common(1)\n";
const request = { program, input: { kind: "call" as const, call: "f('abca')" } };

async function traceWith(snapshotDir: string | null) {
  const runtime = createPyodideRuntime({ poolSize: 1, snapshotDir });
  try {
    return await runtime.trace(request);
  } finally {
    await runtime.close();
  }
}

const snapshots = (folder: string) => readdirSync(folder).filter((name) => name.endsWith(".snapshot"));

describe("pyodide start-up snapshot", () => {
  it("is written by the first worker and gives later workers the same interpreter", async () => {
    const folder = mkdtempSync(join(tmpdir(), "semtrace-snapshot-"));
    const fresh = await traceWith(null);
    const first = await traceWith(folder);
    expect(snapshots(folder)).toHaveLength(1);
    const written = statSync(join(folder, snapshots(folder)[0]!)).mtimeMs;
    const second = await traceWith(folder);
    expect(statSync(join(folder, snapshots(folder)[0]!)).mtimeMs).toBe(written);
    for (const trace of [first, second]) expect({ ...trace, durationMs: 0 }).toEqual({ ...fresh, durationMs: 0 });
  }, 120_000);

  it("replaces a damaged snapshot and removes stale ones", async () => {
    const folder = mkdtempSync(join(tmpdir(), "semtrace-snapshot-"));
    await traceWith(folder);
    const [name] = snapshots(folder);
    const size = statSync(join(folder, name!)).size;
    writeFileSync(join(folder, name!), readFileSync(join(folder, name!)).subarray(0, 4096));
    writeFileSync(join(folder, "pyodide-0.0.0-stale.snapshot"), "old");
    const trace = await traceWith(folder);
    expect(trace.outcome).toMatchObject({ kind: "returned", value: { repr: "[('a', 2)]" } });
    expect(snapshots(folder)).toEqual([name]);
    expect(statSync(join(folder, name!)).size).toBe(size);
  }, 120_000);
});
