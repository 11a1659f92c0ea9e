/**
 * The Redis endpoint of a queue: a `redis://` or `rediss://` URL, and the connections BullMQ
 * runs on. A client gives up on an endpoint that stays unreachable (and says so); a worker
 * keeps reconnecting, so that a restarted Redis does not take the cluster's workers down.
 */
import { Redis } from "ioredis";
import { z } from "zod";
import { ConfigError, SemtraceError, errorMessage } from "../core/errors.js";

/** The endpoint cannot be reached or stopped answering; what was received is kept. */
export class QueueUnavailableError extends SemtraceError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { code: "queue-unavailable", cause: options.cause, isRetryable: true });
  }
}

const queueUrlSchema = z.url({ protocol: /^rediss?$/ });

/** Parses `--queue`; anything but a Redis URL is a clear error naming the expected form. */
export function parseQueueUrl(text: string): URL {
  const parsed = queueUrlSchema.safeParse(text);
  if (!parsed.success) throw new ConfigError(`--queue must be a Redis URL such as redis://127.0.0.1:6379, got '${text}'`);
  return new URL(parsed.data);
}

export interface ConnectOptions {
  /** Keep reconnecting forever (a worker) instead of failing after `giveUpMs` (a client). */
  persistent?: boolean;
  /** How long a client waits for an unreachable endpoint. */
  giveUpMs?: number;
}

const RETRY_DELAY_MS = 500;
const DEFAULT_GIVE_UP_MS = 10_000;

/** A connection that has answered PING: refused or unknown hosts fail here, with the URL in the message. */
export async function connectQueue(url: string, options: ConnectOptions = {}): Promise<Redis> {
  const giveUpAfter = Math.ceil((options.giveUpMs ?? DEFAULT_GIVE_UP_MS) / RETRY_DELAY_MS);
  let lastError: unknown;
  const connection = new Redis(parseQueueUrl(url).href, {
    // BullMQ's blocking commands must wait as long as they need.
    maxRetriesPerRequest: null,
    lazyConnect: true,
    retryStrategy: (times) => (options.persistent || times <= giveUpAfter ? RETRY_DELAY_MS : null),
  });
  connection.on("error", (error) => {
    lastError = error;
  });
  try {
    await connection.connect();
    await connection.ping();
  } catch (error) {
    connection.disconnect();
    throw new QueueUnavailableError(
      `cannot reach the queue at ${redacted(url)}: ${errorMessage(lastError ?? error)}. Is redis-server running there (or the tunnel to it open)?`,
      {
        cause: lastError ?? error,
      },
    );
  }
  return connection;
}

/** The URL without its password, for messages. */
export function redacted(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = "***";
  return parsed.href;
}
