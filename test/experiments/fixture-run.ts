/** Shared pieces of the run tests: fixture specs, the CLI run in-process, and store queries. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { Command } from "commander";
import { vi } from "vitest";
import { stringify } from "yaml";
import { z } from "zod";
import { registerReportCommand } from "../../src/cli/report.js";
import { registerRunCommand } from "../../src/cli/run.js";
import { RUN_STORE_FILE } from "../../src/experiments/run-store.js";

export const FIXTURES = join(import.meta.dirname, "..", "fixtures", "experiments");

/** A selfdebug grid over the fixture problems with the scripted server as the model. */
export function fixtureSpec(baseUrl: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    version: 1,
    name: "fixture-selfdebug",
    benchmark: { name: "generic", path: join(FIXTURES, "problems.jsonl") },
    models: [
      {
        id: "openai:scripted",
        baseUrls: baseUrl,
        requestTimeoutMs: 3_000,
        maxRetries: 6,
        retryBaseDelayMs: 5,
        retryMaxDelayMs: 50,
        deadCooldownMs: 10,
        cache: false,
      },
    ],
    representations: ["tests", "trace:concise", "trace:next"],
    strategies: [{ kind: "selfdebug", rounds: [1, 2] }],
    runtime: { poolSize: 1 },
    concurrency: 3,
    ...overrides,
  };
}

export function writeSpec(folder: string, name: string, spec: Record<string, unknown>): string {
  const path = join(folder, name);
  writeFileSync(path, stringify(spec));
  return path;
}

export interface CliResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** Runs `semtrace run|report ...` in this process, capturing its output and exit code. */
export async function runCli(...args: string[]): Promise<CliResult> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  process.exitCode = undefined;
  const out = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
    stdout.push(String(chunk));
    return true;
  });
  const err = vi.spyOn(process.stderr, "write").mockImplementation((chunk) => {
    stderr.push(String(chunk));
    return true;
  });
  try {
    const program = new Command("semtrace").exitOverride();
    registerRunCommand(program);
    registerReportCommand(program);
    await program.parseAsync(args, { from: "user" });
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  const exitCode = Number(process.exitCode ?? 0);
  process.exitCode = undefined;
  return { stdout: stdout.join(""), stderr: stderr.join(""), exitCode };
}

const countSchema = z.object({ count: z.number() });

export interface StoreQueries {
  units(): number;
  distinctUnits(): number;
  outcomes(): number;
  failures(): number;
  rows(sql: string): unknown[];
  close(): void;
}

/** Read-only queries on a run directory's store, safe while another process writes it. */
export function queryStore(runDir: string): StoreQueries {
  const database = new Database(join(runDir, RUN_STORE_FILE), { readonly: true, fileMustExist: true });
  const count = (sql: string) => countSchema.parse(database.prepare(sql).get()).count;
  return {
    units: () => count("SELECT COUNT(*) AS count FROM units"),
    distinctUnits: () => count("SELECT COUNT(*) AS count FROM (SELECT DISTINCT task_id, config_key, seed, chain, round FROM units)"),
    outcomes: () => count("SELECT COUNT(*) AS count FROM outcomes"),
    failures: () => count("SELECT COUNT(*) AS count FROM failures"),
    rows: (sql: string) => database.prepare(sql).all(),
    close: () => database.close(),
  };
}
