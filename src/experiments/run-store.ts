/**
 * The run directory's store: one SQLite file (WAL) holding the spec, every unit of work
 * (request, response, answer, verdicts, feedback, timing) keyed by (task, configuration, seed,
 * chain, round), each finished cell's outcomes, and the cells that failed. Every write is one
 * transaction, so a process killed at any moment leaves whole units only: a resumed run skips
 * what is stored and redoes only what was in flight.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { z } from "zod";
import { AttemptRequestSchema, AttemptResponseSchema, AttemptTimingSchema, BudgetOutcomeSchema, FeedbackRecordSchema } from "../config/attempt-schema.js";
import { ProgramVerdictSchema, VerdictSummarySchema } from "../config/verdict-schema.js";
import { ConfigError, errorMessage } from "../core/errors.js";
import type { Attempt } from "../scaling/attempt.js";
import type { Journal } from "../scaling/journal.js";
import type { BudgetOutcome } from "../scaling/strategy.js";

export const RUN_STORE_FILE = "run.sqlite";
const STORE_FORMAT = "semtrace-run-store/1";

export interface CellKey {
  taskId: string;
  configKey: string;
  seed: number;
}

/** A finished cell: the outcomes of every budget, with the names the report uses. */
export interface StoredOutcome extends CellKey {
  model: string;
  representation: string;
  outcomes: BudgetOutcome[];
  finishedAt: string;
}

export interface StoredFailure extends CellKey {
  error: string;
  failedAt: string;
}

export interface RunStoreCounts {
  units: number;
  outcomes: number;
  failures: number;
}

export interface RunStore {
  readonly path: string;
  /** Records the spec on first use; a directory started with another spec is a ConfigError. */
  claim(specHash: string, specJson: string): void;
  /** The spec the run was started with (its validated JSON). */
  spec(): string | undefined;
  hasOutcome(cell: CellKey): boolean;
  journal(cell: CellKey): Journal;
  saveOutcome(outcome: StoredOutcome): void;
  recordFailure(cell: CellKey, error: unknown): void;
  outcomes(): StoredOutcome[];
  failures(): StoredFailure[];
  /** Every unit of one cell, by chain then round. */
  attempts(cell: CellKey): Attempt[];
  counts(): RunStoreCounts;
  close(): void;
}

const unitRowSchema = z.strictObject({
  chain: z.int(),
  round: z.int(),
  request: z.string(),
  response: z.string(),
  answer: z.string().nullable(),
  public_verdict: z.string().nullable(),
  hidden_verdict: z.string(),
  feedback: z.string().nullable(),
  timing: z.string(),
});

const outcomeRowSchema = z.strictObject({
  task_id: z.string(),
  config_key: z.string(),
  seed: z.int(),
  model: z.string(),
  representation: z.string(),
  outcomes: z.string(),
  finished_at: z.string(),
});

const failureRowSchema = z.strictObject({ task_id: z.string(), config_key: z.string(), seed: z.int(), error: z.string(), failed_at: z.string() });

/** Parses a JSON column written by this store; a damaged file is a ConfigError naming the row. */
function parseColumn<T>(schema: z.ZodType<T>, text: string, where: string): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`run store: ${where} is not JSON (${errorMessage(error)}); the file is damaged`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new ConfigError(`run store: ${where} does not match the store format: ${parsed.error.message}`);
  return parsed.data;
}

function toAttempt(value: unknown, where: string): Attempt {
  const row = unitRowSchema.parse(value);
  const attempt: Attempt = {
    chain: row.chain,
    round: row.round,
    request: parseColumn(AttemptRequestSchema, row.request, `${where}.request`),
    response: parseColumn(AttemptResponseSchema, row.response, `${where}.response`),
    hiddenVerdict: parseColumn(VerdictSummarySchema, row.hidden_verdict, `${where}.hidden_verdict`),
    timing: parseColumn(AttemptTimingSchema, row.timing, `${where}.timing`),
  };
  if (row.answer !== null) attempt.answer = row.answer;
  if (row.public_verdict !== null) attempt.publicVerdict = parseColumn(ProgramVerdictSchema, row.public_verdict, `${where}.public_verdict`);
  if (row.feedback !== null) attempt.feedback = parseColumn(FeedbackRecordSchema, row.feedback, `${where}.feedback`);
  return attempt;
}

function describeCell(cell: CellKey): string {
  return `${cell.taskId} [${cell.configKey}] seed ${cell.seed}`;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS units (
  task_id TEXT NOT NULL, config_key TEXT NOT NULL, seed INTEGER NOT NULL, chain INTEGER NOT NULL, round INTEGER NOT NULL,
  backend TEXT NOT NULL, request TEXT NOT NULL, response TEXT NOT NULL, answer TEXT,
  public_verdict TEXT, hidden_passed INTEGER NOT NULL, hidden_verdict TEXT NOT NULL, feedback TEXT,
  timing TEXT NOT NULL, recorded_at TEXT NOT NULL,
  PRIMARY KEY (task_id, config_key, seed, chain, round)
);
CREATE TABLE IF NOT EXISTS outcomes (
  task_id TEXT NOT NULL, config_key TEXT NOT NULL, seed INTEGER NOT NULL,
  model TEXT NOT NULL, representation TEXT NOT NULL, outcomes TEXT NOT NULL, finished_at TEXT NOT NULL,
  PRIMARY KEY (task_id, config_key, seed)
);
CREATE TABLE IF NOT EXISTS failures (
  task_id TEXT NOT NULL, config_key TEXT NOT NULL, seed INTEGER NOT NULL, error TEXT NOT NULL, failed_at TEXT NOT NULL,
  PRIMARY KEY (task_id, config_key, seed)
);`;

export interface OpenRunStoreOptions {
  /** Open an existing store without creating or changing anything (for reports). */
  readonly?: boolean;
}

export function openRunStore(directory: string, options: OpenRunStoreOptions = {}): RunStore {
  const path = join(directory, RUN_STORE_FILE);
  let database: Database.Database;
  try {
    if (!options.readonly) mkdirSync(directory, { recursive: true });
    database = new Database(path, { readonly: options.readonly === true, fileMustExist: options.readonly === true });
  } catch (error) {
    throw new ConfigError(
      options.readonly
        ? `${directory} is not a run directory: cannot open ${path} (${errorMessage(error)})`
        : `cannot open the run store ${path}: ${errorMessage(error)}`,
      { cause: error },
    );
  }
  database.pragma("busy_timeout = 10000");
  if (!options.readonly) {
    database.pragma("journal_mode = WAL");
    // NORMAL in WAL mode loses nothing when the process dies, only (at most the last commits) on power loss.
    database.pragma("synchronous = NORMAL");
    database.exec(SCHEMA);
    database.prepare("INSERT OR IGNORE INTO meta (key, value) VALUES ('format', ?)").run(STORE_FORMAT);
  }
  checkFormat(database, path);
  return createRunStore(database, path);
}

function checkFormat(database: Database.Database, path: string): void {
  let row: unknown;
  try {
    row = database.prepare("SELECT value FROM meta WHERE key = 'format'").get();
  } catch (error) {
    throw new ConfigError(`${path} is not a semtrace run store (${errorMessage(error)})`);
  }
  const format = z.object({ value: z.string() }).safeParse(row);
  if (!format.success || format.data.value !== STORE_FORMAT) {
    throw new ConfigError(`${path} is not a ${STORE_FORMAT} store (found ${format.success ? format.data.value : "no format"})`);
  }
}

function createRunStore(database: Database.Database, path: string): RunStore {
  const statements = {
    meta: database.prepare("SELECT value FROM meta WHERE key = ?"),
    setMeta: database.prepare("INSERT INTO meta (key, value) VALUES (?, ?)"),
    unit: database.prepare(
      "SELECT chain, round, request, response, answer, public_verdict, hidden_verdict, feedback, timing FROM units WHERE task_id = ? AND config_key = ? AND seed = ? AND chain = ? AND round = ?",
    ),
    cellUnits: database.prepare(
      "SELECT chain, round, request, response, answer, public_verdict, hidden_verdict, feedback, timing FROM units WHERE task_id = ? AND config_key = ? AND seed = ? ORDER BY chain, round",
    ),
    insertUnit: database.prepare(
      `INSERT INTO units (task_id, config_key, seed, chain, round, backend, request, response, answer, public_verdict, hidden_passed, hidden_verdict, feedback, timing, recorded_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    hasOutcome: database.prepare("SELECT 1 FROM outcomes WHERE task_id = ? AND config_key = ? AND seed = ?"),
    insertOutcome: database.prepare(
      "INSERT INTO outcomes (task_id, config_key, seed, model, representation, outcomes, finished_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
    ),
    clearFailure: database.prepare("DELETE FROM failures WHERE task_id = ? AND config_key = ? AND seed = ?"),
    upsertFailure: database.prepare("INSERT OR REPLACE INTO failures (task_id, config_key, seed, error, failed_at) VALUES (?, ?, ?, ?, ?)"),
    outcomes: database.prepare("SELECT task_id, config_key, seed, model, representation, outcomes, finished_at FROM outcomes ORDER BY rowid"),
    failures: database.prepare("SELECT task_id, config_key, seed, error, failed_at FROM failures ORDER BY rowid"),
    count: (table: string) => database.prepare(`SELECT COUNT(*) AS count FROM ${table}`),
  };
  const saveOutcome = database.transaction((outcome: StoredOutcome) => {
    const key = [outcome.taskId, outcome.configKey, outcome.seed] as const;
    statements.insertOutcome.run(...key, outcome.model, outcome.representation, JSON.stringify(outcome.outcomes), outcome.finishedAt);
    statements.clearFailure.run(...key);
  });
  const countOf = (table: string): number => z.object({ count: z.int() }).parse(statements.count(table).get()).count;

  return {
    path,
    claim(specHash, specJson) {
      const existing = z.object({ value: z.string() }).optional().parse(statements.meta.get("spec_hash"));
      if (existing === undefined) {
        database.transaction(() => {
          statements.setMeta.run("spec_hash", specHash);
          statements.setMeta.run("spec", specJson);
          statements.setMeta.run("created_at", new Date().toISOString());
        })();
        return;
      }
      if (existing.value !== specHash) {
        throw new ConfigError(
          `${path} holds a run of a different spec: resuming it would mix two experiments. Use a new --out directory, or restore the spec the run was started with.`,
        );
      }
    },
    spec() {
      return z.object({ value: z.string() }).optional().parse(statements.meta.get("spec"))?.value;
    },
    hasOutcome: (cell) => statements.hasOutcome.get(cell.taskId, cell.configKey, cell.seed) !== undefined,
    journal(cell) {
      const where = describeCell(cell);
      return {
        get(key) {
          const row = statements.unit.get(cell.taskId, cell.configKey, cell.seed, key.chain, key.round);
          return row === undefined ? undefined : toAttempt(row, `${where} chain ${key.chain} round ${key.round}`);
        },
        put(attempt) {
          statements.insertUnit.run(
            cell.taskId,
            cell.configKey,
            cell.seed,
            attempt.chain,
            attempt.round,
            attempt.request.backend,
            JSON.stringify(attempt.request),
            JSON.stringify(attempt.response),
            attempt.answer ?? null,
            attempt.publicVerdict === undefined ? null : JSON.stringify(attempt.publicVerdict),
            attempt.hiddenVerdict.passed ? 1 : 0,
            JSON.stringify(attempt.hiddenVerdict),
            attempt.feedback === undefined ? null : JSON.stringify(attempt.feedback),
            JSON.stringify(attempt.timing),
            new Date().toISOString(),
          );
        },
      };
    },
    saveOutcome: (outcome) => saveOutcome(outcome),
    recordFailure(cell, error) {
      statements.upsertFailure.run(cell.taskId, cell.configKey, cell.seed, errorMessage(error), new Date().toISOString());
    },
    outcomes() {
      return statements.outcomes.all().map((value) => {
        const row = outcomeRowSchema.parse(value);
        const cell = { taskId: row.task_id, configKey: row.config_key, seed: row.seed };
        return {
          ...cell,
          model: row.model,
          representation: row.representation,
          outcomes: parseColumn(z.array(BudgetOutcomeSchema), row.outcomes, `outcomes of ${describeCell(cell)}`),
          finishedAt: row.finished_at,
        };
      });
    },
    failures() {
      return statements.failures.all().map((value) => {
        const row = failureRowSchema.parse(value);
        return { taskId: row.task_id, configKey: row.config_key, seed: row.seed, error: row.error, failedAt: row.failed_at };
      });
    },
    attempts(cell) {
      const where = describeCell(cell);
      return statements.cellUnits.all(cell.taskId, cell.configKey, cell.seed).map((row, index) => toAttempt(row, `${where} unit ${index}`));
    },
    counts: () => ({ units: countOf("units"), outcomes: countOf("outcomes"), failures: countOf("failures") }),
    close: () => database.close(),
  };
}
