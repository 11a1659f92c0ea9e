/**
 * `POST /run_code` over loopback HTTP against the same work through the library, in the same
 * run and on the same warm runtime: small stdin programs, 64 requests in flight. The HTTP
 * client is undici's connection pool (64 keep-alive connections), as RL reward code keeps one,
 * in a process of its own (this file run with `--client URL`), as a trainer is. Reports
 * requests/s and p50/p99 latency of each, and the HTTP overhead ratio (library requests/s over
 * HTTP requests/s); every answer is checked.
 * Usage: npm run bench:serve [-- --runtime cpython --runtime pyodide --requests 640 --rounds 3 --concurrency 64]
 */
import { spawn } from "node:child_process";
import { parseArgs } from "node:util";
import pLimit from "p-limit";
import { Pool } from "undici";
import { createRuntime } from "../src/runtime/index.js";
import type { Runtime } from "../src/runtime/runtime.js";
import { runCode, RunCodeRequestSchema, RunCodeResponseSchema, type RunCodeResponse } from "../src/server/run-code.js";
import { buildServer } from "../src/server/server.js";
import { reportBench } from "./report.js";

const { values } = parseArgs({
  options: {
    runtime: { type: "string", multiple: true },
    requests: { type: "string", default: "640" },
    rounds: { type: "string", default: "3" },
    concurrency: { type: "string", default: "64" },
    client: { type: "string" },
  },
});
const REQUESTS = Number(values.requests);
const CONCURRENCY = Number(values.concurrency);
const ROUNDS = Number(values.rounds);

/** Small stdin programs, as a reward function sends them; request n's answer is known. */
const PROGRAMS = [
  { code: "print(int(input()) * 2)", answer: (n: number) => String(n * 2) },
  { code: "n = int(input())\nprint(sum(range(n)))", answer: (n: number) => String((n * (n - 1)) / 2) },
  { code: "import sys\nwords = sys.stdin.read().split()\nprint(len(words))", answer: () => "1" },
  {
    code: "n = int(input())\nprint(' '.join(str(i * i) for i in range(n % 7)))",
    answer: (n: number) => Array.from({ length: n % 7 }, (_, i) => String(i * i)).join(" "),
  },
];

function request(n: number) {
  const program = PROGRAMS[n % PROGRAMS.length]!;
  return { body: RunCodeRequestSchema.parse({ code: program.code, stdin: `${n}\n`, language: "python", run_timeout: 10 }), answer: program.answer(n) };
}

interface Measured {
  seconds: number;
  latenciesMs: number[];
  correct: number;
}

/** Runs `count` requests, `concurrency` at a time, timing each. */
async function measure(count: number, send: (n: number) => Promise<RunCodeResponse>): Promise<Measured> {
  const limit = pLimit(CONCURRENCY);
  const latenciesMs: number[] = [];
  let correct = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: count }, (_, n) =>
      limit(async () => {
        const sent = performance.now();
        const response = await send(n);
        latenciesMs.push(performance.now() - sent);
        if (response.status === "Success" && response.run_result?.stdout?.trim() === request(n).answer) correct += 1;
      }),
    ),
  );
  return { seconds: (performance.now() - started) / 1000, latenciesMs, correct };
}

function combined(parts: Measured[]): Measured {
  return {
    seconds: parts.reduce((sum, part) => sum + part.seconds, 0),
    latenciesMs: parts.flatMap((part) => part.latenciesMs),
    correct: parts.reduce((sum, part) => sum + part.correct, 0),
  };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function row(runtime: string, approach: string, measured: Measured): Record<string, string | number> {
  return {
    runtime,
    approach,
    requests: measured.latenciesMs.length,
    concurrency: CONCURRENCY,
    correct: measured.correct,
    "requests/s": Number((measured.latenciesMs.length / measured.seconds).toFixed(1)),
    "p50 ms": Number(percentile(measured.latenciesMs, 50).toFixed(1)),
    "p99 ms": Number(percentile(measured.latenciesMs, 99).toFixed(1)),
  };
}

/** The load client: warms the server, then measures, and prints what it measured as JSON. */
async function client(base: string): Promise<void> {
  const pool = new Pool(base, { connections: CONCURRENCY });
  const http = async (n: number) => {
    const answer = await pool.request({
      path: "/run_code",
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(request(n).body),
    });
    return RunCodeResponseSchema.parse(await answer.body.json());
  };
  try {
    await measure(CONCURRENCY * 2, http);
    process.stdout.write(JSON.stringify(await measure(REQUESTS, http)));
  } finally {
    await pool.close();
  }
}

async function measureOverHttp(base: string): Promise<Measured> {
  const child = spawn(
    process.execPath,
    [...process.execArgv, import.meta.filename, "--client", base, "--requests", String(REQUESTS), "--concurrency", String(CONCURRENCY)],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  if (code !== 0) throw new Error(`the load client exited with ${code}`);
  return JSON.parse(output) as Measured;
}

async function benchRuntime(name: string): Promise<Record<string, string | number>[]> {
  const runtime: Runtime = createRuntime(name);
  const app = buildServer({ runtime, concurrency: CONCURRENCY, queueLimit: REQUESTS, bodyLimitBytes: 1024 * 1024 });
  const base = await app.listen({ host: "127.0.0.1", port: 0 });
  try {
    const library = (n: number) => runCode(runtime, request(n).body);
    // Warm the sandboxes and code paths before timing (the client warms its own connections),
    // then alternate the two, so that neither gets the machine's better minutes.
    await measure(CONCURRENCY * 2, library);
    const rounds: { direct: Measured; served: Measured }[] = [];
    for (let round = 0; round < ROUNDS; round += 1) rounds.push({ direct: await measure(REQUESTS, library), served: await measureOverHttp(base) });
    const direct = combined(rounds.map((entry) => entry.direct));
    const served = combined(rounds.map((entry) => entry.served));
    const rows = [row(name, "library runCode", direct), row(name, "HTTP POST /run_code", served)];
    const ratio = Number(rows[0]!["requests/s"]) / Number(rows[1]!["requests/s"]);
    console.error(`${name}: HTTP overhead ratio ${ratio.toFixed(2)} (library requests/s over HTTP requests/s)`);
    return rows.map((entry) => ({ ...entry, "HTTP overhead": Number(ratio.toFixed(2)) }));
  } finally {
    await app.close();
    await runtime.close();
  }
}

if (values.client !== undefined) {
  await client(values.client);
} else {
  const rows: Record<string, string | number>[] = [];
  for (const name of values.runtime ?? ["cpython", "pyodide"]) rows.push(...(await benchRuntime(name)));
  reportBench("serve", rows, { requestsPerRound: REQUESTS, rounds: ROUNDS, concurrency: CONCURRENCY, client: "undici Pool in its own process" });
}
