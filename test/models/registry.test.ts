import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigError } from "../../src/core/errors.js";
import { parseModelId } from "../../src/models/backend.js";
import { createBackend } from "../../src/models/registry.js";
import { UsageMeter } from "../../src/models/usage.js";
import { type ScriptedOpenAiServer, startScriptedOpenAiServer } from "../helpers/scripted-openai-server.js";

const samplesPath = fileURLToPath(new URL("../fixtures/models/evalplus-samples.jsonl", import.meta.url));

describe("model ids", () => {
  it("split on the first colon", () => {
    expect(parseModelId("openai:Qwen/Qwen2.5-Coder-7B-Instruct")).toEqual({
      provider: "openai",
      model: "Qwen/Qwen2.5-Coder-7B-Instruct",
    });
    expect(parseModelId("openai:qwen2.5-coder:7b")).toEqual({ provider: "openai", model: "qwen2.5-coder:7b" });
  });

  it.each(["gpt-4o", ":model", "openai:"])("reject %j", (id) => {
    expect(() => parseModelId(id)).toThrowError(ConfigError);
  });
});

describe("createBackend", () => {
  let server: ScriptedOpenAiServer;
  let directory: string;
  beforeEach(async () => {
    server = await startScriptedOpenAiServer();
    directory = mkdtempSync(join(tmpdir(), "semtrace-registry-"));
  });
  afterEach(async () => {
    await server.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it("rejects an unknown provider, listing the known ones", async () => {
    await expect(createBackend("anthropic:claude")).rejects.toThrowError(/unknown model provider "anthropic": expected openai, replay/);
  });

  it("builds an openai backend wrapped in cache, recorder and meter", async () => {
    const meter = new UsageMeter();
    const recordPath = join(directory, "recorded.jsonl");
    const cachePath = join(directory, "cache.sqlite");
    const backend = await createBackend("openai:qwen2.5-coder:7b", {
      openai: { baseUrls: [server.baseUrl], maxRetries: 0 },
      cache: { path: cachePath },
      recordPath,
      meter,
      env: {},
    });
    expect(backend.id).toBe("openai:qwen2.5-coder:7b");
    const request = { messages: [{ role: "user" as const, content: "hi" }], metadata: { taskId: "t", round: 0 } };
    await backend.complete(request);
    const again = await backend.complete(request);
    await backend.close();
    expect(again.cached).toBe(true);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]?.body.model).toBe("qwen2.5-coder:7b");
    expect(existsSync(cachePath)).toBe(true);
    expect(readFileSync(recordPath, "utf8").trim().split("\n")).toHaveLength(2);
    expect(meter.totals()).toMatchObject({ calls: 2, cacheHits: 1 });
  });

  it("takes the replay file from the model part of the id", async () => {
    const backend = await createBackend(`replay:${samplesPath}`);
    const response = await backend.complete({ messages: [], metadata: { taskId: "HumanEval/1", round: 0 } });
    expect(response.choices[0]?.text).toBe("```python\n    return x * 2\n```");
  });

  it("takes the replay file and policy from the options", async () => {
    const backend = await createBackend("replay:baseline", {
      replay: { path: samplesPath, onMissing: "repeat-last", fence: false },
    });
    expect(backend.id).toBe("replay:baseline");
    const response = await backend.complete({ messages: [], metadata: { taskId: "HumanEval/1", round: 2 } });
    expect(response.choices[0]?.text).toBe("    return x * 2\n");
  });
});
