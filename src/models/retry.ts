import { setTimeout as sleep } from "node:timers/promises";
import { RetryError, errorMessage } from "../core/errors.js";

export interface BackoffOptions {
  baseDelayMs: number;
  maxDelayMs: number;
}

/** A server asking for more than this is treated as asking for this much, so a bad date cannot stall a run. */
export const MAX_RETRY_AFTER_MS = 10 * 60_000;

/**
 * Exponential backoff with jitter: attempt k waits between half and all of
 * min(max, base·2^k), so clients that failed together do not retry together.
 */
export function computeBackoffMs(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** attempt);
  return Math.round(ceiling * (0.5 + random() / 2));
}

/** Parses a Retry-After header: delta-seconds or an HTTP-date. Returns milliseconds, or undefined if unparseable. */
export function parseRetryAfter(value: string | null | undefined, nowMs: number = Date.now()): number | undefined {
  if (value === null || value === undefined) return undefined;
  const trimmed = value.trim();
  if (trimmed === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.min(MAX_RETRY_AFTER_MS, Math.ceil(Number(trimmed) * 1000));
  // HTTP-dates always name a weekday or month; this keeps V8's lenient Date.parse from reading "-3" as a year.
  const date = /[a-z]/i.test(trimmed) ? Date.parse(trimmed) : Number.NaN;
  if (Number.isNaN(date)) return undefined;
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, date - nowMs));
}

export interface RetryDecision {
  retryable: boolean;
  /** How long to wait before the next attempt. */
  delayMs: number;
}

export interface RetryOptions {
  /** Retries after the first attempt; total attempts = maxRetries + 1. */
  maxRetries: number;
  decide: (error: unknown, attempt: number) => RetryDecision;
  /** What the operation was, for the RetryError message. */
  description: string;
}

/**
 * Runs an operation until it succeeds, a non-retryable error occurs (rethrown as is),
 * or retries run out (RetryError with every attempt's error).
 */
export async function runWithRetries<T>(operation: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const errors: unknown[] = [];
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await operation(attempt);
    } catch (error) {
      const decision = options.decide(error, attempt);
      if (!decision.retryable) throw error;
      errors.push(error);
      if (attempt >= options.maxRetries) {
        throw new RetryError(`${options.description} failed after ${errors.length} attempts; last error: ${errorMessage(error)}`, { errors });
      }
      if (decision.delayMs > 0) await sleep(decision.delayMs);
    }
  }
}
