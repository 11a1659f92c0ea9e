import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ConfigError } from "../../src/core/errors.js";
import { createExportJsonSchemas } from "../../src/export/json-schemas.js";
import {
  buildManifest,
  loadSemtraceVersion,
  renderManifest,
  sftManifestSchema,
  tokenStatistics,
  writeManifest,
  type ManifestInput,
} from "../../src/export/manifest.js";
import { useTemporaryDirectories } from "./helpers.js";

const input: ManifestInput = {
  config: { split: { seed: 3, threshold: 0.75 }, representations: ["none", "concise"], absent: undefined },
  seed: 3,
  runtimeVersions: { python: "3.12.7", pyodide: "0.29.0" },
  pairCounts: { random: 2, "sim>=0.75": 2, "sim<0.75": 2 },
  droppedPairs: { timeout: 1, "identical-after-normalization": 4 },
  tokenCounts: { none: [1, 2, 3, 4, 100], concise: [1, 2, 3, 4], empty: [] },
  similarities: [0.1, 0.8, 0.95, 1],
};
const temporaryDirectory = useTemporaryDirectories();

describe("tokenStatistics", () => {
  it("computes mean, median, nearest-rank p95 and max", () => {
    expect(tokenStatistics([100, 1, 4, 2, 3])).toEqual({ count: 5, mean: 22, median: 3, p95: 100, max: 100 });
    expect(tokenStatistics([4, 3, 2, 1])).toEqual({ count: 4, mean: 2.5, median: 2.5, p95: 4, max: 4 });
    expect(tokenStatistics([])).toEqual({ count: 0, mean: null, median: null, p95: null, max: null });
  });
});

describe("buildManifest", () => {
  it("records versions, counts, statistics and the histogram, with sorted map keys", () => {
    const manifest = buildManifest(input);
    const packageVersion = z.object({ version: z.string() }).parse(JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"))).version;
    expect(Object.keys(manifest)).toEqual([
      "manifestVersion",
      "config",
      "seed",
      "versions",
      "pairCounts",
      "droppedPairs",
      "tokenStatistics",
      "similarityHistogram",
    ]);
    expect(manifest.versions).toEqual({
      semtrace: packageVersion,
      node: process.versions.node,
      pyodide: "0.29.0",
      python: "3.12.7",
    });
    expect(loadSemtraceVersion()).toBe(packageVersion);
    expect(JSON.stringify(manifest.config)).toBe('{"representations":["none","concise"],"split":{"seed":3,"threshold":0.75}}');
    expect(Object.keys(manifest.pairCounts)).toEqual(["random", "sim<0.75", "sim>=0.75"]);
    expect(Object.keys(manifest.droppedPairs)).toEqual(["identical-after-normalization", "timeout"]);
    expect(Object.keys(manifest.tokenStatistics)).toEqual(["concise", "empty", "none"]);
    expect(manifest.similarityHistogram.map((bin) => bin.count)).toEqual([0, 1, 0, 0, 0, 0, 0, 0, 1, 2]);
    expect(sftManifestSchema.parse(manifest)).toEqual(manifest);
  });

  it("is deterministic regardless of input key order", () => {
    const reordered: ManifestInput = {
      ...input,
      pairCounts: { "sim<0.75": 2, "sim>=0.75": 2, random: 2 },
      config: { representations: ["none", "concise"], split: { threshold: 0.75, seed: 3 } },
    };
    expect(renderManifest(buildManifest(reordered))).toBe(renderManifest(buildManifest(input)));
  });

  it("rejects bad counts and runtime versions that shadow its own", () => {
    expect(() => buildManifest({ ...input, pairCounts: { random: -1 } })).toThrow(ConfigError);
    expect(() => buildManifest({ ...input, tokenCounts: { none: [Number.NaN] } })).toThrow(ConfigError);
    expect(() => buildManifest({ ...input, runtimeVersions: { node: "18" } })).toThrow(/must not set "node"/);
  });

  it("writes the same bytes twice, and the published JSON Schema accepts them", async () => {
    const directory = await temporaryDirectory();
    await writeManifest(join(directory, "a.json"), buildManifest(input));
    await writeManifest(join(directory, "b.json"), buildManifest(input));
    const bytes = readFileSync(join(directory, "a.json"));
    expect(bytes.equals(readFileSync(join(directory, "b.json")))).toBe(true);
    expect(bytes.toString("utf8").endsWith("}\n")).toBe(true);
    const schema = z.fromJSONSchema(createExportJsonSchemas()["sft-manifest.schema.json"] as z.core.JSONSchema.JSONSchema);
    expect(schema.safeParse(JSON.parse(bytes.toString("utf8"))).success).toBe(true);
  });
});

describe("createExportJsonSchemas", () => {
  it("publishes the LLaMA-Factory shapes and the manifest", () => {
    const schemas = createExportJsonSchemas();
    expect(Object.keys(schemas)).toEqual([
      "llama-factory-sharegpt-record.schema.json",
      "llama-factory-dataset-info-entry.schema.json",
      "llama-factory-dataset-info.schema.json",
      "sft-manifest.schema.json",
    ]);
    for (const schema of Object.values(schemas)) expect(schema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
  });
});
