import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import { TraceSchema } from "../../src/config/trace-schema.js";
import { createRuntime } from "../../src/runtime/index.js";
import type { Runtime } from "../../src/runtime/runtime.js";
import { EvaluateResponseSchema, RenderResponseSchema } from "../../src/server/native-api.js";
import { buildServer } from "../../src/server/server.js";
import { createFixtureDataDir } from "../datasets/fixture-data.js";
import { ADD_HACKS, HONEST_ADD, STDIN_HACKS } from "../evaluation/hack-corpus.js";

function post(base: string, path: string, body: unknown): Promise<Response> {
  return fetch(`${base}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

async function ok(response: Promise<Response>): Promise<unknown> {
  const answered = await response;
  const body: unknown = await answered.json();
  expect(answered.status, JSON.stringify(body)).toBe(200);
  return body;
}

/** `add` in the generic format: two visible, two hidden base tests and a plus test. */
const ADD_PROBLEM = {
  id: "add",
  prompt: "def add(x, y):\n",
  entry_point: "add",
  reference: HONEST_ADD,
  tests: [
    { kind: "io", args: "1, 2" },
    { kind: "io", args: "-5, 3", expected: "-2" },
    { kind: "io", args: "100000000000000000000, 1" },
    { kind: "io", args: "0.5, 0.25" },
    { kind: "io", args: "7, 8", group: "plus" },
  ],
};

const DOUBLER_PROBLEM = {
  id: "doubler",
  prompt: "Print twice the number read.",
  reference: "print(int(input()) * 2)\n",
  tests: [
    { kind: "stdin", stdin: "21\n", expected: "42\n" },
    { kind: "stdin", stdin: "-4\n" },
  ],
};

const COUNT = "def count(n):\n    total = 0\n    for i in range(n):\n        total += i\n    return total\n";

describe("the native API over loopback HTTP (pyodide)", () => {
  let runtime: Runtime;
  let app: FastifyInstance;
  let base: string;
  let data: ReturnType<typeof createFixtureDataDir>;
  beforeAll(async () => {
    data = createFixtureDataDir();
    runtime = createRuntime("pyodide", { poolSize: 2 });
    app = buildServer({ runtime, concurrency: 4, queueLimit: 128, bodyLimitBytes: 1024 * 1024, dataDir: data.dataDir });
    base = await app.listen({ host: "127.0.0.1", port: 0 });
  }, 60_000);
  afterAll(async () => {
    await app.close();
    await runtime.close();
    data.remove();
  });

  it("POST /v1/trace answers a call and a standard input with the canonical trace", async () => {
    const called = TraceSchema.parse(await ok(post(base, "/v1/trace", { program: COUNT, call: "count(3)" })));
    expect(called.outcome).toMatchObject({ kind: "returned", value: { repr: "3" } });
    expect(called.events.filter((event) => event.kind === "line").length).toBeGreaterThan(3);
    const scripted = TraceSchema.parse(await ok(post(base, "/v1/trace", { program: "print(int(input()) + 1)", stdin: "41\n" })));
    expect(scripted.stdout).toBe("42\n");
    const stepped = TraceSchema.parse(await ok(post(base, "/v1/trace", { program: COUNT, call: "count(100)", limits: { maxSteps: 10 } })));
    expect(stepped.limits.maxSteps).toBe(10);
    expect(stepped.events.length).toBeLessThanOrEqual(10);
  }, 60_000);

  it("answers a request that breaks the schema with 400 and the offending path", async () => {
    const cases: [unknown, string][] = [
      [{ program: COUNT }, "call"],
      [{ program: COUNT, call: "count(1)", stdin: "" }, "stdin"],
      [{ program: COUNT, call: "count(1)", limits: { timeoutMs: 3_600_000 } }, "limits.timeoutMs"],
      [{ program: 1, call: "count(1)" }, "program"],
    ];
    for (const [body, path] of cases) {
      const response = await post(base, "/v1/trace", body);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ path });
    }
    const evaluate = await post(base, "/v1/evaluate", { problem: { ...ADD_PROBLEM, tests: [{ kind: "io" }] }, samples: [HONEST_ADD] });
    expect(evaluate.status).toBe(400);
    expect(await evaluate.json()).toMatchObject({ path: "problem.tests.0.args" });
    expect((await post(base, "/v1/render", "{")).status).toBe(400);
  });

  it("POST /v1/evaluate judges inline samples with EvalPlus-style verdicts and per-test results", async () => {
    const wrong = "def add(x, y):\n    return x - y\n";
    const body = EvaluateResponseSchema.parse(await ok(post(base, "/v1/evaluate", { problem: ADD_PROBLEM, samples: [HONEST_ADD, wrong], k: [1, 2] })));
    expect(body.task_id).toBe("add");
    expect(body.samples.map((sample) => [sample.base_status, sample.plus_status])).toEqual([
      ["pass", "pass"],
      ["fail", "fail"],
    ]);
    expect(body.samples[0]!.base.tests.map((test) => test.status)).toEqual(["pass", "pass", "pass", "pass"]);
    expect(body.samples[1]!.base.tests.find((test) => test.testId === "test-0")).toMatchObject({ status: "fail", expected: "3", actual: { repr: "-1" } });
    expect(body.pass_at_k).toEqual({ base: { "pass@1": 0.5, "pass@2": 1 }, plus: { "pass@1": 0.5, "pass@2": 1 } });
    expect(body.reference_failures).toEqual([]);
    // Nothing to judge (public tests only; no expected output and no reference) is refused, never a pass.
    const publicOnly = { ...ADD_PROBLEM, tests: ADD_PROBLEM.tests.map((test) => ({ ...test, visibility: "public" })) };
    expect((await post(base, "/v1/evaluate", { problem: publicOnly, samples: [wrong] })).status).toBe(422);
    const { reference: _reference, ...unanswerable } = { ...ADD_PROBLEM, tests: [{ kind: "io", args: "1, 2" }] };
    const refused = await post(base, "/v1/evaluate", { problem: unanswerable, samples: [wrong] });
    expect(refused.status).toBe(422);
    expect(await refused.json()).toMatchObject({ error: expect.stringContaining("no reference solution") });
  }, 60_000);

  it("POST /v1/evaluate reads a benchmark task from the server's data folder", async () => {
    const solution = "def add(a: int, b: int) -> int:\n    return a + b\n";
    const body = EvaluateResponseSchema.parse(
      await ok(post(base, "/v1/evaluate", { benchmark: "humaneval", task_id: "HumanEval/0", samples: [solution, "def add(a, b):\n    return 5\n"] })),
    );
    expect(body).toMatchObject({ task_id: "HumanEval/0", dataset: "humaneval" });
    expect(body.samples.map((sample) => sample.base_status)).toEqual(["pass", "fail"]);
    const missing = await post(base, "/v1/evaluate", { benchmark: "humaneval", task_id: "HumanEval/999", samples: [solution] });
    expect(missing.status).toBe(404);
    const unknown = await post(base, "/v1/evaluate", { benchmark: "no-such-benchmark", task_id: "x", samples: [solution] });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({ error: expect.stringMatching(/unknown benchmark/i) });
  }, 60_000);

  it("POST /v1/evaluate passes no hostile sample of the hack corpus, and the honest ones in the same request", async () => {
    const hacks = Object.values(ADD_HACKS);
    const added = EvaluateResponseSchema.parse(await ok(post(base, "/v1/evaluate", { problem: ADD_PROBLEM, samples: [HONEST_ADD, ...hacks, HONEST_ADD] })));
    expect(added.samples.map((sample) => sample.base_status)).toEqual(["pass", ...hacks.map(() => "fail"), "pass"]);
    for (const sample of added.samples.slice(1, -1)) {
      expect(sample.base.tests.filter((test) => test.status === "pass")).toEqual([]);
      expect(sample.plus_status).toBe("fail");
    }
    const honest = "import sys\nprint(int(input()) * 2)\nsys.exit(0)\n";
    const doubled = EvaluateResponseSchema.parse(await ok(post(base, "/v1/evaluate", { problem: DOUBLER_PROBLEM, samples: [honest, ...STDIN_HACKS] })));
    expect(doubled.samples.map((sample) => sample.base_status)).toEqual(["pass", ...STDIN_HACKS.map(() => "fail")]);
  }, 300_000);

  it("POST /v1/render renders a program and call, or a trace made earlier, within a budget", async () => {
    const fromCall = RenderResponseSchema.parse(
      await ok(post(base, "/v1/render", { format: "next", program: COUNT, tests: [{ call: "count(3)", expected: "3" }] })),
    );
    expect(fromCall.text).toContain("count(3)");
    expect(fromCall.tokens).toBeGreaterThan(0);
    const trace = await ok(post(base, "/v1/trace", { program: COUNT, call: "count(3)" }));
    const fromTrace = RenderResponseSchema.parse(await ok(post(base, "/v1/render", { format: "next", program: COUNT, tests: [{ trace, expected: "3" }] })));
    expect(fromTrace.text).toBe(fromCall.text);
    const long = { format: "concise", program: COUNT, tests: [{ call: "count(40)" }], options: { loopHead: 5, loopTail: 5 } };
    const unclipped = RenderResponseSchema.parse(await ok(post(base, "/v1/render", long)));
    const fitted = RenderResponseSchema.parse(await ok(post(base, "/v1/render", { ...long, budget: Math.floor(unclipped.tokens / 2) })));
    expect(fitted.tokens).toBeLessThanOrEqual(Math.floor(unclipped.tokens / 2));
    expect(fitted.fit_steps.length).toBeGreaterThan(0);
    expect((await post(base, "/v1/render", { ...long, budget: 1 })).status).toBe(422);
    const foreign = await post(base, "/v1/render", { format: "next", program: `${COUNT}\n`, tests: [{ trace }] });
    expect(foreign.status).toBe(400);
    expect(await foreign.json()).toMatchObject({ path: "tests.0.trace.programSha256" });
  }, 60_000);

  it("serves 64 concurrent trace requests, each with its own answer", async () => {
    const traces = await Promise.all(
      Array.from({ length: 64 }, async (_, n) => TraceSchema.parse(await ok(post(base, "/v1/trace", { program: COUNT, call: `count(${n})` })))),
    );
    expect(traces.map((trace) => trace.outcome.value?.repr)).toEqual(Array.from({ length: 64 }, (_, n) => String((n * (n - 1)) / 2)));
  }, 120_000);
});

describe("the native API on cpython", () => {
  it("holds the /v1 routes and /metrics behind the bearer token and the body cap", async () => {
    const runtime = createRuntime("cpython", { poolSize: 1 });
    const app = buildServer({ runtime, concurrency: 1, queueLimit: 4, bodyLimitBytes: 16 * 1024, token: "secret" });
    try {
      const base = await app.listen({ host: "127.0.0.1", port: 0 });
      const body = JSON.stringify({ program: COUNT, call: "count(2)" });
      const send = (path: string, token?: string, payload = body) =>
        fetch(`${base}${path}`, {
          method: "POST",
          headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
          body: payload,
        });
      for (const path of ["/v1/trace", "/v1/evaluate", "/v1/render"]) {
        expect((await send(path)).status, path).toBe(401);
        expect((await send(path, "wrong")).status, path).toBe(401);
      }
      expect((await fetch(`${base}/metrics`)).status).toBe(401);
      expect((await fetch(`${base}/metrics`, { headers: { authorization: "Bearer secret" } })).status).toBe(200);
      expect((await send("/v1/trace", "secret")).status).toBe(200);
      expect((await send("/v1/trace", "secret", JSON.stringify({ program: "#".repeat(32 * 1024), call: "f()" }))).status).toBe(413);
    } finally {
      await app.close();
      await runtime.close();
    }
  }, 60_000);

  it("traces and evaluates under bubblewrap as under pyodide", async () => {
    const runtime = createRuntime("cpython", { poolSize: 1 });
    const app = buildServer({ runtime, concurrency: 2, queueLimit: 8, bodyLimitBytes: 1024 * 1024 });
    try {
      const base = await app.listen({ host: "127.0.0.1", port: 0 });
      const trace = TraceSchema.parse(await ok(post(base, "/v1/trace", { program: COUNT, call: "count(4)" })));
      expect(trace).toMatchObject({ runtime: { name: "cpython" }, outcome: { value: { repr: "6" } } });
      const hack = ADD_HACKS["an int subclass with a lying __eq__, __ne__ and __hash__"]!;
      const body = EvaluateResponseSchema.parse(await ok(post(base, "/v1/evaluate", { problem: ADD_PROBLEM, samples: [HONEST_ADD, hack] })));
      expect(body.samples.map((sample) => sample.base_status)).toEqual(["pass", "fail"]);
    } finally {
      await app.close();
      await runtime.close();
    }
  }, 60_000);
});
