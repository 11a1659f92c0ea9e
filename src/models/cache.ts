import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { z } from "zod";
import { ConfigError, errorMessage } from "../core/errors.js";
import { sha256, stableStringify } from "../core/hash.js";
import { type ChatCacheEntry, ChatCacheEntrySchema } from "../config/chat-schema.js";
import { type Backend, type ChatChoice, type ChatRequest, type ChatResponse, type TokenUsage, parseModelId, requestedChoices } from "./backend.js";

/** Bump when the key recipe or the stored row changes: old rows then simply stop matching. */
export const CACHE_KEY_VERSION = "semtrace-chat-cache-v2";

export interface CacheOptions {
  /** SQLite file; created with its folder if missing. */
  path: string;
  /** Default true; false returns the backend unchanged (no file, no dedupe). */
  enabled?: boolean;
}

/**
 * The request fields that decide what a model answers. Metadata (task, round) and `n` are
 * left out; the chain is not, because it tells independent sample streams apart.
 */
function normalizeRequest(request: ChatRequest): Record<string, unknown> {
  return {
    messages: request.messages.map((message) => ({ role: message.role, content: message.content })),
    temperature: request.temperature,
    topP: request.topP,
    maxTokens: request.maxTokens,
    seed: request.seed,
    stop: request.stop !== undefined && request.stop.length > 0 ? request.stop : undefined,
  };
}

/**
 * Key of one sample: version, provider, model, normalized request and the sample's position
 * in its stream (chain + choice index), so choice i of an n-request with chain c and the single
 * choice of a request with chain c+i are the same sample. No URL, no key, no metadata.
 */
export function createCacheKey(backendId: string, request: ChatRequest, sampleIndex: number): string {
  const { provider, model } = parseModelId(backendId);
  return sha256(stableStringify({ version: CACHE_KEY_VERSION, provider, model, request: normalizeRequest(request), sample: sampleIndex }));
}

/** A stored row: the sample's ChatCacheEntry as JSON, so every field of the entry survives the store. */
const rowSchema = z.strictObject({ entry: z.string() });

function openCacheDatabase(path: string): Database.Database {
  mkdirSync(dirname(path), { recursive: true });
  let database: Database.Database;
  try {
    database = new Database(path);
  } catch (error) {
    throw new ConfigError(`cannot open the response cache ${path}: ${errorMessage(error)}`, { cause: error });
  }
  // Two processes may share the file: wait for each other's locks instead of failing, and let readers run during writes.
  database.pragma("busy_timeout = 10000");
  database.pragma("journal_mode = WAL");
  database.pragma("synchronous = NORMAL");
  database.exec(`CREATE TABLE IF NOT EXISTS chat_samples (
    key TEXT PRIMARY KEY,
    backend TEXT NOT NULL,
    sample_index INTEGER NOT NULL,
    entry TEXT NOT NULL,
    created_at TEXT NOT NULL
  ) WITHOUT ROWID`);
  return database;
}

/** Splits a call's total over its choices so that the parts add up exactly. */
function share(total: number, parts: number, index: number): number {
  return Math.floor(total / parts) + (index < total % parts ? 1 : 0);
}

function sumUsage(entries: readonly ChatCacheEntry[], extra: TokenUsage = { promptTokens: 0, completionTokens: 0 }): TokenUsage {
  return entries.reduce(
    (usage, entry) => ({
      promptTokens: usage.promptTokens + entry.usage.promptTokens,
      completionTokens: usage.completionTokens + entry.usage.completionTokens,
    }),
    extra,
  );
}

function choiceOf(entry: ChatCacheEntry): ChatChoice {
  return { ...entry.choice };
}

/** A row written by this cache; a damaged one is a ConfigError naming the file. */
function parseEntry(row: unknown, path: string): ChatCacheEntry {
  const { entry } = rowSchema.parse(row);
  let value: unknown;
  try {
    value = JSON.parse(entry);
  } catch (error) {
    throw new ConfigError(`response cache ${path}: a stored entry is not JSON (${errorMessage(error)}); delete the file to start afresh`);
  }
  const parsed = ChatCacheEntrySchema.safeParse(value);
  if (!parsed.success) throw new ConfigError(`response cache ${path}: a stored entry does not match the cache format: ${parsed.error.message}`);
  return parsed.data;
}

/**
 * Persistent response cache around any backend. Samples are cached one by one, so asking
 * for more samples later reuses the cached prefix and fetches only the rest. Failures are
 * never stored, and identical requests in flight share one underlying call.
 */
export function withCache(backend: Backend, options: CacheOptions): Backend {
  if (options.enabled === false) return backend;
  const database = openCacheDatabase(options.path);
  const select = database.prepare("SELECT entry FROM chat_samples WHERE key = ?");
  const insert = database.prepare("INSERT OR REPLACE INTO chat_samples (key, backend, sample_index, entry, created_at) VALUES (?, ?, ?, ?, ?)");
  const store = database.transaction((request: ChatRequest, firstSample: number, response: ChatResponse) => {
    const parts = response.choices.length;
    const createdAt = new Date().toISOString();
    response.choices.forEach((choice, index) => {
      const sample = firstSample + index;
      const entry: ChatCacheEntry = {
        choice,
        usage: {
          promptTokens: share(response.usage.promptTokens, parts, index),
          completionTokens: share(response.usage.completionTokens, parts, index),
        },
        model: response.model,
      };
      insert.run(createCacheKey(backend.id, request, sample), backend.id, sample, JSON.stringify(ChatCacheEntrySchema.parse(entry)), createdAt);
    });
  });
  const inFlight = new Map<string, Promise<ChatResponse>>();

  function lookup(key: string): ChatCacheEntry | undefined {
    const row: unknown = select.get(key);
    return row === undefined ? undefined : parseEntry(row, options.path);
  }

  async function lookupOrFetch(request: ChatRequest, wanted: number): Promise<ChatResponse> {
    const started = performance.now();
    const chain = request.metadata?.chain ?? 0;
    const hits: ChatCacheEntry[] = [];
    for (let index = 0; index < wanted; index += 1) {
      const row = lookup(createCacheKey(backend.id, request, chain + index));
      if (row === undefined) break;
      hits.push(row);
    }
    if (hits.length === wanted) {
      return {
        choices: hits.map(choiceOf),
        usage: sumUsage(hits),
        cached: true,
        latencyMs: performance.now() - started,
        model: hits[0]?.model ?? parseModelId(backend.id).model,
      };
    }
    const firstMissing = chain + hits.length;
    const fresh = await backend.complete({
      ...request,
      n: wanted - hits.length,
      metadata: { ...request.metadata, chain: firstMissing },
    });
    store(request, firstMissing, fresh);
    return {
      ...fresh,
      choices: [...hits.map(choiceOf), ...fresh.choices],
      usage: sumUsage(hits, fresh.usage),
      cached: false,
      latencyMs: performance.now() - started,
    };
  }

  return {
    id: backend.id,
    async complete(request) {
      const wanted = requestedChoices(request);
      const flightKey = sha256(stableStringify({ request: normalizeRequest(request), chain: request.metadata?.chain ?? 0, n: wanted }));
      const shared = inFlight.get(flightKey);
      if (shared !== undefined) {
        const started = performance.now();
        const response = await shared;
        return {
          ...response,
          choices: response.choices.map((choice) => ({ ...choice })),
          cached: true,
          latencyMs: performance.now() - started,
          servedBy: undefined,
        };
      }
      const pending = lookupOrFetch(request, wanted);
      inFlight.set(flightKey, pending);
      try {
        return await pending;
      } finally {
        inFlight.delete(flightKey);
      }
    },
    async close() {
      database.close();
      await backend.close();
    },
  };
}
