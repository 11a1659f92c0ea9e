/** Real `bin/semtrace.js` processes for the queue tests: workers, eval clients, and their logs. */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { gzipSync } from "node:zlib";

const ROOT = join(import.meta.dirname, "..", "..");
const BIN = join(ROOT, "bin", "semtrace.js");
const SHARED_DATA = join(ROOT, "..", "shared", "data");
const REAL_POOL = join(SHARED_DATA, "candidates", "humaneval", "codellama.jsonl");

export interface CliProcess {
  child: ChildProcess;
  /** Resolves with the exit code, or null when killed by a signal. */
  exited: Promise<number | null>;
  stderr(): string;
  stdout(): string;
}

export function startCli(args: string[]): CliProcess {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  let stdout = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout!.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, exited, stderr: () => stderr, stdout: () => stdout };
}

/** A worker whose lock expires quickly, so that a killed worker's job is taken back within seconds. */
export async function startWorker(url: string, concurrency = 2): Promise<CliProcess> {
  const worker = startCli(["worker", "--queue", url, "--concurrency", String(concurrency), "--lock-duration-ms", "3000", "--stalled-interval-ms", "1000"]);
  await waitFor(
    () => worker.stderr().includes("worker on semtrace-pyodide"),
    60_000,
    () => worker.stderr(),
  );
  return worker;
}

export async function stopProcess(process: CliProcess | undefined): Promise<void> {
  if (!process || process.child.exitCode !== null || process.child.signalCode !== null) return;
  process.child.kill("SIGTERM");
  await process.exited;
}

export async function waitFor(condition: () => boolean, timeoutMs: number, describe: () => string = () => ""): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting: ${describe()}`);
    await sleep(50);
  }
}

/** Job ids a worker's log says it started and finished. */
export function jobsOf(log: string): { started: string[]; finished: string[] } {
  const ids = (word: string) => [...log.matchAll(new RegExp(`^${word} (\\S+)$`, "gm"))].map((match) => match[1]!);
  return { started: ids("started"), finished: ids("finished") };
}

export interface Pool {
  /** `eval` arguments naming the benchmark. */
  dataset: string[];
  samplesPath: string;
  size: number;
}

/**
 * A HumanEval candidate pool: real model programs when the shared data is present, else the
 * fixture benchmark's tasks with right and wrong programs. Each program sleeps `sleepSeconds`
 * as it loads, so that a job is still running when its worker is killed.
 */
export function writePool(folder: string, name: string, sleepSeconds: number, shared = existsSync(REAL_POOL)): Pool {
  const suffix = `\nimport time as _clock\n_clock.sleep(${sleepSeconds})\n`;
  const samplesPath = join(folder, `${name}.jsonl`);
  if (shared) {
    const lines = readFileSync(REAL_POOL, "utf8").trim().split("\n").slice(0, 12);
    const samples = lines.map((line) => {
      const { task_id, solution } = JSON.parse(line) as { task_id: string; solution: string };
      return { task_id, solution: solution + suffix };
    });
    writeFileSync(samplesPath, samples.map((sample) => JSON.stringify(sample)).join("\n") + "\n");
    return { dataset: ["--dataset", "humaneval", "--data-dir", SHARED_DATA], samplesPath, size: samples.length };
  }
  const add = ["return a + b", "return a - b", "return a * b", "raise ValueError(a)", "return (a + b) if a else 0", "return sum([a, b])"];
  const shout = [
    "return text.upper() + '!'",
    "return text.upper()",
    "return text + '!'",
    "return text.upper() + '!' * (len(text) > 0)",
    "return None",
    "return text.swapcase() + '!'",
  ];
  const samples = [
    ...add.map((body) => ({ task_id: "HumanEval/0", solution: `def add(a, b):\n    ${body}\n${suffix}` })),
    ...shout.map((body) => ({ task_id: "HumanEval/1", solution: `def shout(text):\n    ${body}\n${suffix}` })),
  ];
  writeFileSync(samplesPath, samples.map((sample) => JSON.stringify(sample)).join("\n") + "\n");
  // The fixture folder keeps HumanEval as text; a data folder holds it compressed.
  const dataDir = join(folder, "data", "humaneval");
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(
    join(dataDir, "HumanEval.jsonl.gz"),
    gzipSync(readFileSync(join(ROOT, "test", "fixtures", "datasets", "data", "humaneval", "HumanEval.jsonl"))),
  );
  return { dataset: ["--dataset", "humaneval", "--data-dir", join(folder, "data")], samplesPath, size: samples.length };
}

/** The per-test lines without their timings, which no two runs share. */
export function verdictLines(path: string): unknown[] {
  return readFileSync(path, "utf8")
    .trim()
    .split("\n")
    .map((line) => {
      const { durationMs: _durationMs, ...rest } = JSON.parse(line) as Record<string, unknown>;
      return rest;
    });
}
