import type { z } from "zod";
import type { ChatRequest, ChatResponse } from "../config/chat-schema.js";
import { ConfigError } from "../core/errors.js";

export type { ChatMessage, ChatRole } from "../config/attempt-schema.js";
export type { ChatChoice, ChatRequest, ChatResponse, RequestMetadata, TokenUsage } from "../config/chat-schema.js";

/** One model behind one interface: every provider implements it and passes the shared conformance suite. */
export interface Backend {
  /** `provider:model`, as configured. */
  readonly id: string;
  complete(request: ChatRequest): Promise<ChatResponse>;
  close(): Promise<void>;
}

export interface ModelId {
  provider: string;
  model: string;
}

/** Splits `provider:model` on the first colon, so model names may contain colons (`ollama` tags). */
export function parseModelId(id: string): ModelId {
  const colon = id.indexOf(":");
  if (colon <= 0 || colon === id.length - 1) {
    throw new ConfigError(`model id "${id}" is not of the form provider:model (for example openai:Qwen/Qwen2.5-Coder-7B-Instruct)`);
  }
  return { provider: id.slice(0, colon), model: id.slice(colon + 1) };
}

/** The number of choices a request asks for, checked once for every backend. */
export function requestedChoices(request: ChatRequest): number {
  const n = request.n ?? 1;
  if (!Number.isInteger(n) || n < 1) {
    throw new ConfigError(`chat request asks for n=${n} choices; n must be a positive integer`);
  }
  return n;
}

/** Validates backend options at the boundary, so a bad config names the offending field. */
export function parseBackendOptions<Schema extends z.ZodType>(schema: Schema, value: unknown, what: string): z.output<Schema> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new ConfigError(`invalid ${what} options`, {
    issues: result.error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message })),
  });
}
