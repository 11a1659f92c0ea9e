import { spawn } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { freePort } from "../helpers/free-port.js";
import { describe, expect, it } from "vitest";
import { EvaluateResponseSchema } from "../../src/server/native-api.js";
import { RunCodeResponseSchema } from "../../src/server/run-code.js";
import { createFixtureDataDir } from "../datasets/fixture-data.js";

const BIN = join(import.meta.dirname, "../../bin/semtrace.js");

function post(base: string, code: string): Promise<Response> {
  return fetch(`${base}/run_code`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ code, language: "python", run_timeout: 10 }),
  });
}

describe("the semtrace serve process", () => {
  it("on SIGTERM finishes the requests in flight, refuses new ones and exits 0", async () => {
    const port = await freePort();
    const data = createFixtureDataDir();
    const args = ["serve", "--runtime", "cpython", "--port", String(port), "--concurrency", "3", "--data-dir", data.dataDir];
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = once(child, "exit");
    try {
      await expect.poll(() => stderr, { timeout: 30_000, interval: 100 }).toContain("listening on");
      const base = `http://127.0.0.1:${port}`;
      expect((await fetch(`${base}/health`)).status).toBe(200);
      const inFlight = [post(base, "import time\ntime.sleep(1.5)\nprint('first')"), post(base, "import time\ntime.sleep(1.5)\nprint('second')")];
      // A benchmark task from the --data-dir folder, its sample slow enough to be in flight at SIGTERM.
      const slowAdd = "import time\ndef add(a, b):\n    time.sleep(0.4)\n    return a + b\n";
      const evaluation = fetch(`${base}/v1/evaluate`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ benchmark: "humaneval", task_id: "HumanEval/0", samples: [slowAdd] }),
      });
      // SIGTERM once all three hold a slot.
      const running = async () => /semtrace_queue_depth\{state="running"\} (\d+)/.exec(await (await fetch(`${base}/metrics`)).text())?.[1];
      await expect.poll(running, { timeout: 20_000, interval: 50 }).toBe("3");
      child.kill("SIGTERM");
      await expect
        .poll(
          () =>
            fetch(`${base}/health`).then(
              (response) => response.status,
              () => "refused",
            ),
          { timeout: 5_000, interval: 50 },
        )
        .not.toBe(200);
      const answers = await Promise.all(inFlight.map(async (response) => RunCodeResponseSchema.parse(await (await response).json())));
      expect(answers.map((answer) => [answer.status, answer.run_result?.stdout])).toEqual([
        ["Success", "first\n"],
        ["Success", "second\n"],
      ]);
      const evaluated = EvaluateResponseSchema.parse(await (await evaluation).json());
      expect(evaluated.samples.map((sample) => sample.base_status)).toEqual(["pass"]);
      const [code] = await exited;
      expect(code).toBe(0);
      expect(stderr).toContain("drained and stopped");
      await expect(post(base, "print(1)")).rejects.toThrow();
    } finally {
      child.kill("SIGKILL");
      data.remove();
    }
  }, 60_000);
});
