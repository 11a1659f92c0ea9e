import { describe, expect, it } from "vitest";
import { RetryError } from "../../src/core/errors.js";
import { MAX_RETRY_AFTER_MS, computeBackoffMs, parseRetryAfter, runWithRetries } from "../../src/models/retry.js";

describe("backoff", () => {
  const options = { baseDelayMs: 100, maxDelayMs: 1_000 };

  it("doubles per attempt, jittered between half and all of the step, and is capped", () => {
    expect(computeBackoffMs(0, options, () => 0)).toBe(50);
    expect(computeBackoffMs(0, options, () => 1)).toBe(100);
    expect(computeBackoffMs(2, options, () => 0)).toBe(200);
    expect(computeBackoffMs(2, options, () => 1)).toBe(400);
    expect(computeBackoffMs(10, options, () => 1)).toBe(1_000);
  });
});

describe("Retry-After", () => {
  const now = Date.parse("2025-01-01T00:00:00Z");

  it("reads delta-seconds", () => {
    expect(parseRetryAfter("1", now)).toBe(1_000);
    expect(parseRetryAfter(" 2.5 ", now)).toBe(2_500);
    expect(parseRetryAfter("0", now)).toBe(0);
  });

  it("reads an HTTP-date relative to now, never negative", () => {
    expect(parseRetryAfter("Wed, 01 Jan 2025 00:00:03 GMT", now)).toBe(3_000);
    expect(parseRetryAfter("Tue, 31 Dec 2024 23:59:00 GMT", now)).toBe(0);
  });

  it("caps absurd waits and ignores garbage", () => {
    expect(parseRetryAfter("999999", now)).toBe(MAX_RETRY_AFTER_MS);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter("-3", now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});

describe("runWithRetries", () => {
  const retryable = () => ({ retryable: true, delayMs: 0 });

  it("returns the first success", async () => {
    let calls = 0;
    const result = await runWithRetries(
      async (attempt) => {
        calls += 1;
        if (attempt < 2) throw new Error(`failure ${attempt}`);
        return "done";
      },
      { maxRetries: 5, decide: retryable, description: "test" },
    );
    expect(result).toBe("done");
    expect(calls).toBe(3);
  });

  it("rethrows a non-retryable error unwrapped", async () => {
    const fatal = new Error("fatal");
    await expect(
      runWithRetries(() => Promise.reject(fatal), {
        maxRetries: 5,
        decide: () => ({ retryable: false, delayMs: 0 }),
        description: "test",
      }),
    ).rejects.toBe(fatal);
  });

  it("collects every attempt's error in RetryError", async () => {
    const failure = await runWithRetries((attempt) => Promise.reject(new Error(`failure ${attempt}`)), {
      maxRetries: 2,
      decide: retryable,
      description: "the operation",
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RetryError);
    expect((failure as RetryError).errors.map((error) => (error as Error).message)).toEqual(["failure 0", "failure 1", "failure 2"]);
    expect((failure as RetryError).message).toMatch(/the operation failed after 3 attempts; last error: failure 2/);
  });

  it("waits the decided delay between attempts", async () => {
    const times: number[] = [];
    await runWithRetries(
      async (attempt) => {
        times.push(Date.now());
        if (attempt === 0) throw new Error("once");
      },
      { maxRetries: 1, decide: () => ({ retryable: true, delayMs: 80 }), description: "test" },
    );
    expect((times[1] ?? 0) - (times[0] ?? 0)).toBeGreaterThanOrEqual(75);
  });
});
