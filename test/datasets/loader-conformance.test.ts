/** Every built-in benchmark loader passes the shared loader suite on the fixture data. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { LoadBenchmarkOptions } from "../../src/datasets/benchmark.js";
import { benchmarks } from "../../src/datasets/registry.js";
import { createFixtureDataDir, fixturesDir, isolatedOptions } from "./fixture-data.js";
import { benchmarkLoaderConformance } from "./loader-conformance.js";

const fixture = createFixtureDataDir();
const scratch = mkdtempSync(join(tmpdir(), "semtrace-loader-conformance-"));
afterAll(() => {
  fixture.remove();
  rmSync(scratch, { recursive: true, force: true });
});

const questions = join(scratch, "questions.jsonl");
const program = "def f(x):\n    y = x + 1\n    return y\n";
writeFileSync(
  questions,
  [
    { id: "q/0", problem: "p/0", program, call: "f(1)", question: "Is line 2 executed?", task: "coverage", line: 2, answer: true },
    { id: "q/1", problem: "p/0", program, call: "f(1)", question: "What does f(1) return?", task: "output", answer: "2" },
  ]
    .map((row) => JSON.stringify(row))
    .join("\n") + "\n",
);

const fromData = () => isolatedOptions(fixture.dataDir);
const withPath = (path: string) => () => ({ ...fromData(), path });

/** The options each built-in loads its fixture with. */
const cases: Record<string, () => LoadBenchmarkOptions> = {
  humaneval: fromData,
  "humaneval+": fromData,
  mbpp: fromData,
  "mbpp-sanitized": fromData,
  "mbpp+": fromData,
  cruxeval: fromData,
  "humaneval-repair": fromData,
  "mbpp-repair": fromData,
  livecodebench: withPath(join(fixturesDir, "data", "livecodebench")),
  "livecodebench-execution": withPath(join(fixturesDir, "data", "livecodebench-execution")),
  apps: () => ({ ...fromData(), onWarning: () => {} }),
  "reason-questions": withPath(questions),
  generic: withPath(join(fixturesDir, "generic.jsonl")),
};

describe("benchmark registry", () => {
  it("has a conformance case for every built-in loader", () => {
    expect(benchmarks.names()).toEqual(Object.keys(cases));
  });
});

for (const loader of benchmarks.list()) benchmarkLoaderConformance(loader, cases[loader.name]!);
