import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ApiCallError } from "../../src/core/errors.js";
import { type ChatCacheEntry, ChatCacheEntrySchema } from "../../src/config/chat-schema.js";
import { type Backend, type ChatRequest } from "../../src/models/backend.js";
import { CACHE_KEY_VERSION, createCacheKey, withCache } from "../../src/models/cache.js";
import { createOpenAiBackend } from "../../src/models/openai-backend.js";
import { declaredKeys, heldKeys } from "../helpers/schema-keys.js";
import { type ScriptedOpenAiServer, startScriptedOpenAiServer } from "../helpers/scripted-openai-server.js";

const run = promisify(execFile);

let directory: string;
let cachePath: string;
const servers: ScriptedOpenAiServer[] = [];
const backends: Backend[] = [];

beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), "semtrace-cache-"));
  cachePath = join(directory, "nested", "cache.sqlite");
});

afterEach(async () => {
  await Promise.all(backends.splice(0).map((backend) => backend.close()));
  await Promise.all(servers.splice(0).map((server) => server.close()));
  rmSync(directory, { recursive: true, force: true });
});

async function startServer(delayMs?: number): Promise<ScriptedOpenAiServer> {
  const server = await startScriptedOpenAiServer({
    responder: (request) => ({
      choices: Array.from({ length: request.body.n ?? 1 }, (_, choice) => `answer ${request.index}.${choice}`),
      usage: { promptTokens: 12, completionTokens: 7 },
      ...(delayMs === undefined ? {} : { delayMs }),
    }),
  });
  servers.push(server);
  return server;
}

function cachedBackend(server: ScriptedOpenAiServer, env: NodeJS.ProcessEnv = {}, apiKeyEnv?: string): Backend {
  const inner = createOpenAiBackend({ model: "cached-model", baseUrls: server.baseUrl, maxRetries: 0, ...(apiKeyEnv ? { apiKeyEnv } : {}) }, env);
  const backend = withCache(inner, { path: cachePath });
  backends.push(backend);
  return backend;
}

const request: ChatRequest = {
  messages: [{ role: "user", content: "write fib" }],
  temperature: 0.8,
  seed: 3,
  metadata: { taskId: "t", round: 0 },
};

describe("response cache", () => {
  it("answers an identical request from the cache: the server sees one request", async () => {
    const server = await startServer();
    const backend = cachedBackend(server);
    const first = await backend.complete(request);
    const second = await backend.complete({ ...request, metadata: { taskId: "another task", round: 4 } });
    expect(server.requests).toHaveLength(1);
    expect(first.cached).toBe(false);
    expect(second.cached).toBe(true);
    expect(second.choices).toEqual(first.choices);
    expect(second.usage).toEqual(first.usage);
    expect(second.model).toBe("cached-model");
    expect(second.servedBy).toBeUndefined();
  });

  it("keeps requests that differ in any sampling parameter apart", async () => {
    const server = await startServer();
    const backend = cachedBackend(server);
    const variants: ChatRequest[] = [
      request,
      { ...request, temperature: 0.2 },
      { ...request, topP: 0.5 },
      { ...request, maxTokens: 10 },
      { ...request, seed: 4 },
      { ...request, stop: ["\n"] },
      { ...request, messages: [{ role: "system", content: "write fib" }] },
      { ...request, metadata: { chain: 1 } },
    ];
    for (const variant of variants) await backend.complete(variant);
    expect(server.requests).toHaveLength(variants.length);
  });

  it("persists across handles and never stores the base URL or the API key", async () => {
    const server = await startServer();
    const first = cachedBackend(server, { SECRET_KEY: "sk-very-secret" }, "SECRET_KEY");
    await first.complete(request);
    await first.close();
    backends.splice(backends.indexOf(first), 1);
    const other = await startServer();
    const second = cachedBackend(other);
    const response = await second.complete(request);
    expect(response.cached).toBe(true);
    expect(other.requests).toHaveLength(0);
    await second.close();
    backends.splice(backends.indexOf(second), 1);
    for (const file of [cachePath, `${cachePath}-wal`]) {
      if (!existsSync(file)) continue;
      const bytes = readFileSync(file).toString("latin1");
      expect(bytes).not.toContain("sk-very-secret");
      expect(bytes).not.toContain("127.0.0.1");
    }
  });

  it("does not cache failures", async () => {
    const server = await startServer();
    const backend = cachedBackend(server);
    server.injectFaults({ kind: "http-error", status: 400 });
    await expect(backend.complete(request)).rejects.toBeInstanceOf(ApiCallError);
    const retried = await backend.complete(request);
    expect(retried.cached).toBe(false);
    expect((await backend.complete(request)).cached).toBe(true);
    expect(server.requests).toHaveLength(2);
  });

  it("shares one call between identical requests in flight", async () => {
    const server = await startServer(100);
    const backend = cachedBackend(server);
    const [first, second] = await Promise.all([backend.complete(request), backend.complete(request)]);
    expect(server.requests).toHaveLength(1);
    expect(second.choices).toEqual(first.choices);
    expect([first.cached, second.cached].sort()).toEqual([false, true]);
  });

  it("lets a failure reach every sharer and caches nothing", async () => {
    const server = await startServer(50);
    const backend = cachedBackend(server);
    server.injectFaults({ kind: "http-error", status: 400 });
    const results = await Promise.allSettled([backend.complete(request), backend.complete(request)]);
    expect(results.map((result) => result.status)).toEqual(["rejected", "rejected"]);
    expect(server.requests).toHaveLength(1);
    expect((await backend.complete(request)).cached).toBe(false);
  });

  it("reuses cached samples and fetches only the missing ones when n grows", async () => {
    const server = await startServer();
    const backend = cachedBackend(server);
    const two = await backend.complete({ ...request, n: 2 });
    const four = await backend.complete({ ...request, n: 4 });
    expect(server.requests.map((received) => received.body.n)).toEqual([2, 2]);
    expect(four.choices.slice(0, 2)).toEqual(two.choices);
    expect(four.choices.map((choice) => choice.text)).toEqual(["answer 0.0", "answer 0.1", "answer 1.0", "answer 1.1"]);
    expect(four.cached).toBe(false);
    // Choice i of chain 0 is the sample of chain i.
    const third = await backend.complete({ ...request, metadata: { chain: 2 } });
    expect(third.cached).toBe(true);
    expect(third.choices[0]?.text).toBe("answer 1.0");
  });

  it("splits a call's usage over its samples so that the parts add up", async () => {
    const server = await startServer();
    const backend = cachedBackend(server);
    await backend.complete({ ...request, n: 3 });
    const again = await backend.complete({ ...request, n: 3 });
    expect(again.cached).toBe(true);
    expect(again.usage).toEqual({ promptTokens: 12, completionTokens: 7 });
  });

  it("returns the backend itself when disabled: no file, every request reaches the server", async () => {
    const server = await startServer();
    const inner = createOpenAiBackend({ model: "cached-model", baseUrls: server.baseUrl }, {});
    backends.push(inner);
    expect(withCache(inner, { path: cachePath, enabled: false })).toBe(inner);
    await inner.complete(request);
    await inner.complete(request);
    expect(server.requests).toHaveLength(2);
    expect(existsSync(cachePath)).toBe(false);
  });

  it("keeps every field of a sample's entry, so a field added to the schema survives a reopened cache", async () => {
    const entry: ChatCacheEntry = {
      choice: { text: "def f(): pass", finishReason: "length" },
      usage: { promptTokens: 9, completionTokens: 4 },
      model: "served-model",
    };
    // The entry must hold every field the schema declares: a new field fails here until it is added above.
    const held = new Set(heldKeys(entry));
    expect(declaredKeys(ChatCacheEntrySchema).filter((key) => !held.has(key))).toEqual([]);
    let calls = 0;
    const inner: Backend = {
      id: "scripted:entry",
      complete: async () => {
        calls += 1;
        return { choices: [entry.choice], usage: entry.usage, cached: false, latencyMs: 1, model: entry.model };
      },
      close: async () => {},
    };
    const first = withCache(inner, { path: cachePath });
    backends.push(first);
    await first.complete(request);
    const reopened = withCache(inner, { path: cachePath });
    backends.push(reopened);
    const response = await reopened.complete(request);
    expect(calls).toBe(1);
    expect({ choice: response.choices[0], usage: response.usage, model: response.model }).toEqual(entry);
  });

  it("refuses a stored entry with a field it does not know, instead of dropping it", async () => {
    const server = await startServer();
    await cachedBackend(server).complete(request);
    const database = new Database(cachePath);
    database.prepare("UPDATE chat_samples SET entry = json_set(entry, '$.choice.logprobs', 1)").run();
    database.close();
    await expect(cachedBackend(server).complete(request)).rejects.toThrow(/does not match the cache format/);
  });

  it("uses WAL mode", async () => {
    const server = await startServer();
    cachedBackend(server);
    const database = new Database(cachePath, { readonly: true });
    expect(database.pragma("journal_mode", { simple: true })).toBe("wal");
    database.close();
  });

  it("is safe for two processes writing the same file at once", async () => {
    const script = fileURLToPath(new URL("../fixtures/models/cache-writer.ts", import.meta.url));
    const root = fileURLToPath(new URL("../..", import.meta.url));
    const writers = ["left", "right"].map((label) => run(process.execPath, ["--import", "tsx", script, cachePath, label, "150"], { cwd: root }));
    const outputs = await Promise.all(writers);
    for (const output of outputs) expect(JSON.parse(output.stdout)).toEqual({ calls: 150 });
    const database = new Database(cachePath, { readonly: true });
    expect(database.prepare("SELECT count(*) AS count FROM chat_samples").get()).toEqual({ count: 300 });
    database.close();
    // A rerun finds every answer in the file.
    const rerun = await run(process.execPath, ["--import", "tsx", script, cachePath, "left", "150"], {
      cwd: root,
    });
    expect(JSON.parse(rerun.stdout)).toEqual({ calls: 0 });
  });
});

describe("cache keys", () => {
  it("are versioned hashes of provider, model, normalized request and sample index", () => {
    const key = createCacheKey("openai:m", request, 0);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(CACHE_KEY_VERSION).toMatch(/v\d+$/);
    expect(createCacheKey("openai:m", { ...request, metadata: { taskId: "x", round: 9 } }, 0)).toBe(key);
    expect(createCacheKey("openai:m", { ...request, n: 5 }, 0)).toBe(key);
    expect(createCacheKey("openai:m", { ...request, stop: [] }, 0)).toBe(key);
    expect(createCacheKey("openai:m", request, 1)).not.toBe(key);
    expect(createCacheKey("openai:other", request, 0)).not.toBe(key);
    expect(createCacheKey("replay:m", request, 0)).not.toBe(key);
  });
});
