import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from "openai";
import pLimit from "p-limit";
import { z } from "zod";
import { ApiCallError, ConfigError, errorMessage } from "../core/errors.js";
import { type Backend, type ChatChoice, type ChatRequest, type ChatResponse, type TokenUsage, parseBackendOptions, requestedChoices } from "./backend.js";
import { type FleetLease, createFleet } from "./fleet.js";
import { type RetryDecision, computeBackoffMs, parseRetryAfter, runWithRetries } from "./retry.js";

export const openAiBackendOptionsSchema = z.object({
  model: z.string().min(1),
  /** One server, or several serving the same model (a fleet). */
  baseUrls: z
    .union([z.url(), z.array(z.url()).min(1)])
    .default(["https://api.openai.com/v1"])
    .transform((value) => (typeof value === "string" ? [value] : value)),
  /** Name of the environment variable holding the API key (never the key itself). */
  apiKeyEnv: z.string().min(1).default("OPENAI_API_KEY"),
  requestTimeoutMs: z.number().int().positive().default(600_000),
  maxConcurrency: z.number().int().positive().default(8),
  maxRetries: z.number().int().nonnegative().default(4),
  retryBaseDelayMs: z.number().nonnegative().default(500),
  retryMaxDelayMs: z.number().nonnegative().default(30_000),
  /** How long a server that did not answer is skipped. */
  deadCooldownMs: z.number().int().nonnegative().default(5_000),
});

export type OpenAiBackendOptions = z.input<typeof openAiBackendOptionsSchema>;
type ResolvedOptions = z.output<typeof openAiBackendOptionsSchema>;

/** Placeholder key for local servers (vLLM, SGLang, Ollama, llama.cpp) that do not check keys. */
const LOCAL_DUMMY_KEY = "EMPTY";

/** Only the fields used; anything else a server adds is ignored. */
const completionBodySchema = z.object({
  model: z.string().optional(),
  choices: z
    .array(
      z.object({
        index: z.number().int().optional(),
        message: z.object({ content: z.string().nullable().optional() }),
        finish_reason: z.string().nullable().optional(),
      }),
    )
    .min(1),
  usage: z
    .object({
      prompt_tokens: z.number().int().nonnegative().optional(),
      completion_tokens: z.number().int().nonnegative().optional(),
    })
    .nullable()
    .optional(),
});

interface CallResult {
  choices: ChatChoice[];
  usage: TokenUsage;
  model: string | undefined;
  url: string;
}

/** An OpenAI-compatible chat-completions backend (OpenAI, vLLM, SGLang, Ollama, llama.cpp server). */
export function createOpenAiBackend(input: OpenAiBackendOptions, env: NodeJS.ProcessEnv = process.env): Backend {
  const options = parseBackendOptions(openAiBackendOptionsSchema, input, "openai backend");
  const baseUrls = options.baseUrls.map((url) => url.replace(/\/+$/, ""));
  const apiKey = resolveApiKey(options.apiKeyEnv, baseUrls, env);
  // Retries are ours (runWithRetries), so the client must never retry on its own.
  const clients = new Map(baseUrls.map((url) => [url, new OpenAI({ apiKey, baseURL: url, maxRetries: 0, timeout: options.requestTimeoutMs })]));
  const fleet = createFleet(baseUrls, { deadCooldownMs: options.deadCooldownMs });
  const limit = pLimit(options.maxConcurrency);

  async function attempt(body: OpenAI.ChatCompletionCreateParamsNonStreaming): Promise<CallResult> {
    const lease = await fleet.acquire();
    const { status, text } = await fetchBody(lease, clients.get(lease.url) as OpenAI, body, options.requestTimeoutMs);
    return { ...parseCompletionBody(text, endpointOf(lease.url), status), url: lease.url };
  }

  function decide(error: unknown, attemptIndex: number): RetryDecision {
    if (!(error instanceof ApiCallError) || !error.isRetryable) return { retryable: false, delayMs: 0 };
    const backoff = computeBackoffMs(attemptIndex, { baseDelayMs: options.retryBaseDelayMs, maxDelayMs: options.retryMaxDelayMs });
    // No HTTP answer: the server is cooling down in the fleet, so move to another one at once if any is live.
    if (error.status === undefined) return { retryable: true, delayMs: fleet.hasLiveServer() ? 0 : backoff };
    return { retryable: true, delayMs: retryAfterOf(error) ?? backoff };
  }

  async function completeWithFallback(request: ChatRequest): Promise<ChatResponse> {
    const wanted = requestedChoices(request);
    const started = performance.now();
    const choices: ChatChoice[] = [];
    const usage: TokenUsage = { promptTokens: 0, completionTokens: 0 };
    let last: CallResult | undefined;
    // Servers that ignore `n` return one choice: ask again for the remainder.
    while (choices.length < wanted) {
      const body = wireBody(options, request, wanted - choices.length, choices.length);
      last = await runWithRetries(() => attempt(body), {
        maxRetries: options.maxRetries,
        decide,
        description: `chat completion for ${options.model} (${baseUrls.join(", ")})`,
      });
      choices.push(...last.choices.slice(0, wanted - choices.length));
      usage.promptTokens += last.usage.promptTokens;
      usage.completionTokens += last.usage.completionTokens;
    }
    return {
      choices,
      usage,
      cached: false,
      latencyMs: performance.now() - started,
      model: last?.model ?? options.model,
      servedBy: last?.url,
    };
  }

  return {
    id: `openai:${options.model}`,
    complete: (request) => limit(() => completeWithFallback(request)),
    // The HTTP clients share Node's global connection pool: nothing to release.
    close: async () => {},
  };
}

function resolveApiKey(variable: string, baseUrls: readonly string[], env: NodeJS.ProcessEnv): string {
  const key = env[variable];
  if (key !== undefined && key !== "") return key;
  const remote = baseUrls.filter((url) => !isLoopback(url));
  if (remote.length === 0) return LOCAL_DUMMY_KEY;
  throw new ConfigError(
    `environment variable ${variable} is not set, but ${remote.join(", ")} needs an API key: ` +
      `export ${variable}=..., or set apiKeyEnv to the variable that holds the key`,
  );
}

function isLoopback(url: string): boolean {
  const host = new URL(url).hostname;
  return host === "localhost" || host.endsWith(".localhost") || host === "[::1]" || host === "0.0.0.0" || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function endpointOf(baseUrl: string): string {
  return `${baseUrl}/chat/completions`;
}

/**
 * `chainOffset` choices have been received already; a fixed seed would make a follow-up
 * request repeat them, so follow-ups shift the seed by that count.
 */
function wireBody(options: ResolvedOptions, request: ChatRequest, n: number, chainOffset: number): OpenAI.ChatCompletionCreateParamsNonStreaming {
  const body: OpenAI.ChatCompletionCreateParamsNonStreaming = {
    model: options.model,
    messages: request.messages.map((message) => ({ role: message.role, content: message.content })),
  };
  if (n > 1) body.n = n;
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.topP !== undefined) body.top_p = request.topP;
  if (request.maxTokens !== undefined) body.max_tokens = request.maxTokens;
  if (request.seed !== undefined) body.seed = request.seed + chainOffset;
  if (request.stop !== undefined && request.stop.length > 0) body.stop = request.stop;
  return body;
}

/** One HTTP call on a leased server; the timeout covers headers and body alike. */
async function fetchBody(
  lease: FleetLease,
  client: OpenAI,
  body: OpenAI.ChatCompletionCreateParamsNonStreaming,
  timeoutMs: number,
): Promise<{ status: number; text: string }> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  try {
    const response = await client.chat.completions.create(body, { signal: controller.signal }).asResponse();
    const text = await response.text();
    lease.release("ok");
    return { status: response.status, text };
  } catch (error) {
    const failure = toApiCallError(error, endpointOf(lease.url), timedOut, timeoutMs);
    lease.release(failure.status === undefined ? "dead" : "ok");
    throw failure;
  } finally {
    clearTimeout(timer);
  }
}

function toApiCallError(error: unknown, url: string, timedOut: boolean, timeoutMs: number): ApiCallError {
  if (timedOut || error instanceof APIConnectionTimeoutError) {
    return new ApiCallError(`POST ${url} timed out after ${timeoutMs} ms`, { url, isRetryable: true, cause: error });
  }
  if (error instanceof APIError && error.status !== undefined && !(error instanceof APIUserAbortError)) {
    const body = error.error === undefined ? error.message : JSON.stringify(error.error);
    return new ApiCallError(`POST ${url} returned HTTP ${error.status}: ${body.slice(0, 500)}`, {
      url,
      status: error.status,
      body,
      isRetryable: isRetryableStatus(error.status),
      cause: error,
    });
  }
  // Connection refused/reset, also while reading the body (undici reports those as plain TypeErrors).
  const reason = error instanceof APIConnectionError && error.cause !== undefined ? error.cause : error;
  return new ApiCallError(`POST ${url} failed to connect: ${describeConnectionError(reason)}`, {
    url,
    isRetryable: true,
    cause: error,
  });
}

function describeConnectionError(error: unknown): string {
  const nested = error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : "";
  return errorMessage(error) + nested;
}

function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

function retryAfterOf(error: ApiCallError): number | undefined {
  if (!(error.cause instanceof APIError) || error.cause.headers === undefined) return undefined;
  const milliseconds = Number(error.cause.headers.get("retry-after-ms") ?? Number.NaN);
  if (Number.isFinite(milliseconds) && milliseconds >= 0) return milliseconds;
  return parseRetryAfter(error.cause.headers.get("retry-after"));
}

/** A 200 with a broken or truncated body is retryable: the next answer is usually whole. */
function parseCompletionBody(text: string, url: string, status: number): Omit<CallResult, "url"> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ApiCallError(`POST ${url} returned a body that is not JSON (${errorMessage(error)})`, {
      url,
      status,
      body: text.slice(0, 2000),
      isRetryable: true,
      cause: error,
    });
  }
  const parsed = completionBodySchema.safeParse(json);
  if (!parsed.success) {
    throw new ApiCallError(`POST ${url} returned JSON that is not a chat completion: ${parsed.error.message}`, {
      url,
      status,
      body: text.slice(0, 2000),
      isRetryable: true,
    });
  }
  const ordered = [...parsed.data.choices].sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
  return {
    choices: ordered.map((choice) => ({
      text: choice.message.content ?? "",
      finishReason: choice.finish_reason ?? "unknown",
    })),
    usage: {
      promptTokens: parsed.data.usage?.prompt_tokens ?? 0,
      completionTokens: parsed.data.usage?.completion_tokens ?? 0,
    },
    model: parsed.data.model,
  };
}
