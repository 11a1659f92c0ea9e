import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import { createRuntime } from "../../src/runtime/index.js";
import type { Runtime } from "../../src/runtime/runtime.js";
import { RunCodeResponseSchema } from "../../src/server/run-code.js";
import { buildServer } from "../../src/server/server.js";

const TOKEN = "test-token";

/** A client scoring as RL reward code does: success and the expected output, nothing else. */
async function reward(base: string, code: string, stdin: string, expected: string): Promise<number> {
  const response = await post(base, { code, stdin, language: "python", run_timeout: 2 });
  const body = RunCodeResponseSchema.parse(await response.json());
  return body.status === "Success" && body.run_result?.stdout?.trim() === expected ? 1 : 0;
}

function post(base: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${base}/run_code`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${TOKEN}`, ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

async function runCode(base: string, code: string, extra: Record<string, unknown> = {}) {
  const response = await post(base, { code, language: "python", run_timeout: 2, ...extra });
  expect(response.status).toBe(200);
  return RunCodeResponseSchema.parse(await response.json());
}

async function listen(app: FastifyInstance): Promise<string> {
  return app.listen({ host: "127.0.0.1", port: 0 });
}

describe("POST /run_code over loopback HTTP", () => {
  let runtime: Runtime;
  let app: FastifyInstance;
  let base: string;
  beforeAll(async () => {
    runtime = createRuntime("cpython", { poolSize: 2 });
    app = buildServer({ runtime, concurrency: 4, queueLimit: 128, bodyLimitBytes: 64 * 1024, token: TOKEN });
    base = await listen(app);
  }, 60_000);
  afterAll(async () => {
    await app.close();
    await runtime.close();
  });

  it("scores stdin programs as SandboxFusion does", async () => {
    expect(await reward(base, "print(int(input()) * 2)", "21\n", "42")).toBe(1);
    expect(await reward(base, "print(int(input()) * 3)", "21\n", "42")).toBe(0);
    expect(await reward(base, "print(42)\nimport os\nos._exit(0)", "", "42")).toBe(0);
    expect(await reward(base, "print(42)\nraise SystemExit(1)", "", "42")).toBe(0);
  }, 60_000);

  it("reports each status and return code", async () => {
    const ok = await runCode(base, "import sys\nprint('hi')\nsys.exit(0)");
    expect(ok).toMatchObject({ status: "Success", compile_result: null, run_result: { status: "Finished", return_code: 0, stdout: "hi\n" } });
    const exit3 = await runCode(base, "import sys\nsys.exit(3)");
    expect(exit3).toMatchObject({ status: "Failed", run_result: { status: "Finished", return_code: 3 } });
    const syntax = await runCode(base, "def f(:\n");
    expect(syntax.status).toBe("Failed");
    expect(syntax.run_result?.return_code).not.toBe(0);
    expect(syntax.run_result?.stderr).toContain("SyntaxError");
    const raised = await runCode(base, "raise ValueError('boom')");
    expect(raised).toMatchObject({ status: "Failed", run_result: { status: "Finished", return_code: 1 } });
    expect(raised.run_result?.stderr).toContain("ValueError: boom");
    const loop = await runCode(base, "while True:\n    pass", { run_timeout: 1 });
    expect(loop).toMatchObject({ status: "Failed", run_result: { status: "TimeLimitExceeded" } });
  }, 60_000);

  it("answers other languages with a SandboxError naming the languages served", async () => {
    const body = await runCode(base, "console.log(1)", { language: "nodejs" });
    expect(body.status).toBe("SandboxError");
    expect(body.message).toContain("python");
  });

  it("gives hostile programs no reward", async () => {
    const hostile = [
      "import sys\nsys.stdout.write('42\\n')\nsys.stdout.flush()\nimport os\nos.kill(os.getpid(), 9)",
      "import builtins\nbuiltins.SystemExit = None\nprint(42)\nraise KeyboardInterrupt",
      "print(42)\nimport sys\nsys.exit('0')",
      "import os, sys\nprint(42)\nsys.stdout.flush()\nos._exit(1)",
    ];
    for (const code of hostile) expect(await reward(base, code, "", "42"), code).toBe(0);
  }, 60_000);

  it("serves 64 concurrent requests, each with its own answer", async () => {
    const scores = await Promise.all(Array.from({ length: 64 }, (_, n) => reward(base, "print(int(input()) + 1)", `${n}\n`, String(n + 1))));
    expect(scores).toEqual(Array(64).fill(1));
  }, 120_000);

  it("rejects malformed JSON and schema violations with 400 and the offending path", async () => {
    expect((await post(base, "{not json")).status).toBe(400);
    const wrong = await post(base, { code: 1, language: "python" });
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toMatchObject({ path: "code" });
  });

  it("refuses oversized bodies with 413 and a missing token with 401", async () => {
    expect((await post(base, { code: "#".repeat(128 * 1024), language: "python" })).status).toBe(413);
    expect((await post(base, { code: "print(1)", language: "python" }, { authorization: "Bearer wrong" })).status).toBe(401);
  });
});

describe("a bounded server", () => {
  const slow = { code: "import time\ntime.sleep(1)\nprint('done')", language: "python", run_timeout: 5 };

  it("answers 429 with Retry-After when its queue is full", async () => {
    const runtime = createRuntime("cpython", { poolSize: 1 });
    const app = buildServer({ runtime, concurrency: 1, queueLimit: 1, bodyLimitBytes: 64 * 1024 });
    try {
      const base = await listen(app);
      const responses = await Promise.all(Array.from({ length: 4 }, () => post(base, slow)));
      const refused = responses.filter((response) => response.status === 429);
      expect(refused.length).toBe(2);
      expect(refused[0]!.headers.get("retry-after")).toBe("1");
      await Promise.all(responses.map((response) => response.arrayBuffer()));
    } finally {
      await app.close();
      await runtime.close();
    }
  }, 30_000);

  it("answers the request in flight when closed, and refuses new ones", async () => {
    const runtime = createRuntime("cpython", { poolSize: 1 });
    const app = buildServer({ runtime, concurrency: 1, queueLimit: 1, bodyLimitBytes: 64 * 1024 });
    try {
      const base = await listen(app);
      const inFlight = post(base, slow);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const closed = app.close();
      const drained = RunCodeResponseSchema.parse(await (await inFlight).json());
      expect(drained).toMatchObject({ status: "Success", run_result: { stdout: "done\n" } });
      await closed;
      await expect(post(base, slow)).rejects.toThrow();
    } finally {
      await runtime.close();
    }
  }, 30_000);
});
