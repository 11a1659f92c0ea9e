/**
 * Problems travel once, not once per sample: a HumanEval+ problem with its plus inputs is tens
 * of kilobytes, and a pool has hundreds of samples per problem set. The client stores each
 * problem under the hash of its JSON; workers read it back, check the hash and the schema,
 * and keep it in memory.
 */
import type { Redis } from "ioredis";
import { ProblemSchema } from "../config/problem-schema.js";
import { sha256, stableStringify } from "../core/hash.js";
import type { Problem } from "../core/problem.js";
import { QUEUE_FORMAT } from "./jobs.js";

/** Long enough for a run to be resumed days later; a client stores its problems again on each start. */
const PROBLEM_TTL_SECONDS = 14 * 24 * 3600;

function problemKey(prefix: string, hash: string): string {
  return `${prefix}:problem:${hash}`;
}

export function problemText(problem: Problem): string {
  return stableStringify(problem);
}

export function problemHash(problem: Problem): string {
  return sha256(`${QUEUE_FORMAT}\n${problemText(problem)}`);
}

/** Stores every problem (refreshing its expiry) and returns each problem's hash by id. */
export async function storeProblems(connection: Redis, prefix: string, problems: readonly Problem[]): Promise<Map<string, string>> {
  const hashes = new Map<string, string>();
  const pipeline = connection.pipeline();
  for (const problem of problems) {
    const hash = problemHash(problem);
    hashes.set(problem.id, hash);
    pipeline.set(problemKey(prefix, hash), problemText(problem), "EX", PROBLEM_TTL_SECONDS);
  }
  await pipeline.exec();
  return hashes;
}

/** A worker's reader: each problem is fetched and validated once. */
export function createProblemReader(connection: Redis, prefix: string): (hash: string) => Promise<Problem> {
  const cache = new Map<string, Promise<Problem>>();
  const read = async (hash: string): Promise<Problem> => {
    const text = await connection.get(problemKey(prefix, hash));
    if (text === null) throw new Error(`problem ${hash} is not in the queue's store (expired?): run the client again to store it`);
    const problem = ProblemSchema.parse(JSON.parse(text));
    if (problemHash(problem) !== hash) throw new Error(`problem ${hash} does not match its hash`);
    return problem;
  };
  return (hash) => {
    let entry = cache.get(hash);
    if (!entry) {
      entry = read(hash);
      cache.set(hash, entry);
      entry.catch(() => cache.delete(hash));
    }
    return entry;
  };
}
