/**
 * The records a model backend exchanges: a chat request, its response, and what the response
 * cache keeps of one sample. The backend types are inferred from these schemas.
 */
import { z } from "zod";
import { ChatMessageSchema } from "./attempt-schema.js";

/** Where a request sits in an experiment; the replay backend and recordings key on it. */
export const RequestMetadataSchema = z.strictObject({
  taskId: z.string().optional(),
  round: z.int().nonnegative().optional(),
  /** Index of an independent sample stream (chain); the cache and replay keep chains apart. */
  chain: z.int().nonnegative().optional(),
});

export const ChatRequestSchema = z.strictObject({
  messages: z.array(ChatMessageSchema),
  /** Number of choices wanted; default 1. */
  n: z.int().positive().optional(),
  temperature: z.number().optional(),
  topP: z.number().optional(),
  maxTokens: z.int().positive().optional(),
  seed: z.int().optional(),
  stop: z.array(z.string()).optional(),
  metadata: RequestMetadataSchema.optional(),
});

export const ChatChoiceSchema = z.strictObject({ text: z.string(), finishReason: z.string() });

export const TokenUsageSchema = z.strictObject({ promptTokens: z.int().nonnegative(), completionTokens: z.int().nonnegative() });

export const ChatResponseSchema = z.strictObject({
  choices: z.array(ChatChoiceSchema),
  usage: TokenUsageSchema,
  /** True when every choice came from the response cache (or from an identical request in flight). */
  cached: z.boolean(),
  latencyMs: z.number().nonnegative(),
  /** The model name the server reported (or the configured one). */
  model: z.string(),
  /** Base URL (or file) that answered; never stored in the cache. */
  servedBy: z.string().optional(),
});

/** One cached sample: the choice whole, its share of the call's usage, and the model that answered. */
export const ChatCacheEntrySchema = z.strictObject({
  choice: ChatChoiceSchema,
  usage: TokenUsageSchema,
  model: z.string(),
});

export type RequestMetadata = z.infer<typeof RequestMetadataSchema>;
export type ChatRequest = z.infer<typeof ChatRequestSchema>;
export type ChatChoice = z.infer<typeof ChatChoiceSchema>;
export type TokenUsage = z.infer<typeof TokenUsageSchema>;
export type ChatResponse = z.infer<typeof ChatResponseSchema>;
export type ChatCacheEntry = z.infer<typeof ChatCacheEntrySchema>;
