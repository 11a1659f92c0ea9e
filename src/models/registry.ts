import { createRegistry } from "../core/registry.js";
import { type Backend, parseModelId } from "./backend.js";
import { type CacheOptions, withCache } from "./cache.js";
import { type OpenAiBackendOptions, createOpenAiBackend } from "./openai-backend.js";
import { type ReplayBackendOptions, createReplayRecorder, loadReplayBackend, withReplayRecording } from "./replay-backend.js";
import { type UsageMeter, withUsageMeter } from "./usage.js";

export interface CreateBackendOptions {
  /** Options of the `openai` provider; the model comes from the id. */
  openai?: Omit<OpenAiBackendOptions, "model">;
  /** Options of the `replay` provider; `path` defaults to the model part of the id (`replay:runs/samples.jsonl`). */
  replay?: Partial<Omit<ReplayBackendOptions, "model">>;
  /** Persistent response cache; off when absent. */
  cache?: CacheOptions;
  /** Also append every answer to this recorded-run file, for later replay. */
  recordPath?: string;
  /** Usage accounting of every request (cache hits included, flagged). */
  meter?: UsageMeter;
  /** Where API keys are read from; default process.env. */
  env?: NodeJS.ProcessEnv;
}

/** A registered model provider: the part of a `provider:model` id before the colon. */
export interface BackendProvider {
  readonly name: string;
  create(model: string, options: CreateBackendOptions): Promise<Backend>;
}

/** The backend registry: `openai` (any OpenAI-compatible server), `replay` (recorded answers), and any a user registers. */
export const backendProviders = createRegistry<BackendProvider>({
  kind: "model provider",
  entries: [
    { name: "openai", create: async (model, options) => createOpenAiBackend({ ...options.openai, model }, options.env) },
    { name: "replay", create: (model, options) => loadReplayBackend({ ...options.replay, path: options.replay?.path ?? model, model }) },
  ],
});

/**
 * Creates the backend for a `provider:model` id, wrapped (inside out) in the cache,
 * the recorder and the usage meter when asked for.
 */
export async function createBackend(id: string, options: CreateBackendOptions = {}): Promise<Backend> {
  const { provider, model } = parseModelId(id);
  let backend = await backendProviders.get(provider).create(model, options);
  if (options.cache !== undefined) backend = withCache(backend, options.cache);
  if (options.recordPath !== undefined) backend = withReplayRecording(backend, createReplayRecorder(options.recordPath));
  if (options.meter !== undefined) backend = withUsageMeter(backend, options.meter);
  return backend;
}
