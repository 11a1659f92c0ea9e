import { describe, expect, it } from "vitest";
import { createRuntime } from "../../src/runtime/index.js";
import { buildServer } from "../../src/server/server.js";

function post(base: string, path: string, body: unknown): Promise<Response> {
  return fetch(`${base}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
}

/** The samples of a Prometheus text exposition, as `name{labels}` → value. */
function samples(text: string): Map<string, number> {
  const found = new Map<string, number>();
  for (const line of text.split("\n")) {
    const match = /^([a-z_]+(?:\{[^}]*\})?) (\S+)$/.exec(line);
    if (match) found.set(match[1]!, Number(match[2]));
  }
  return found;
}

async function scrape(base: string): Promise<Map<string, number>> {
  const response = await fetch(`${base}/metrics`);
  expect(response.headers.get("content-type")).toContain("text/plain");
  return samples(await response.text());
}

describe("GET /metrics", () => {
  it("counts runs by endpoint and outcome, answers by status, the queue's depth and latencies", async () => {
    const runtime = createRuntime("cpython", { poolSize: 1 });
    const app = buildServer({ runtime, concurrency: 1, queueLimit: 1, bodyLimitBytes: 64 * 1024 });
    try {
      const base = await app.listen({ host: "127.0.0.1", port: 0 });
      const run = (code: string) => post(base, "/run_code", { code, language: "python", run_timeout: 5 });
      for (const code of ["print(1)", "print(2)", "import sys\nsys.exit(3)"]) expect((await run(code)).status).toBe(200);
      await (await run("print(1)")).arrayBuffer();
      expect((await post(base, "/v1/trace", { program: "def f():\n    return 1\n", call: "f()" })).status).toBe(200);
      expect((await post(base, "/v1/trace", { program: "raise ValueError\n", stdin: "" })).status).toBe(200);
      expect((await post(base, "/v1/trace", { program: "" })).status).toBe(400);

      // One slow request runs, one waits, and the third is refused; the scrape sees the first two.
      const slow = Array.from({ length: 3 }, () => run("import time\ntime.sleep(1.5)\nprint('done')"));
      await new Promise((resolve) => setTimeout(resolve, 700));
      const during = await scrape(base);
      expect(during.get('semtrace_queue_depth{state="running"}')).toBe(1);
      expect(during.get('semtrace_queue_depth{state="waiting"}')).toBe(1);
      const statuses = await Promise.all(slow.map(async (response) => (await response).status));
      expect(statuses.sort()).toEqual([200, 200, 429]);

      const after = await scrape(base);
      expect(after.get('semtrace_runs_total{endpoint="/run_code",outcome="Success"}')).toBe(5);
      expect(after.get('semtrace_runs_total{endpoint="/run_code",outcome="Failed"}')).toBe(1);
      expect(after.get('semtrace_runs_total{endpoint="/v1/trace",outcome="returned"}')).toBe(1);
      expect(after.get('semtrace_runs_total{endpoint="/v1/trace",outcome="raised"}')).toBe(1);
      expect(after.get('semtrace_http_requests_total{endpoint="/run_code",code="200"}')).toBe(6);
      expect(after.get('semtrace_http_requests_total{endpoint="/run_code",code="429"}')).toBe(1);
      expect(after.get('semtrace_http_requests_total{endpoint="/v1/trace",code="400"}')).toBe(1);
      expect(after.get('semtrace_http_requests_total{endpoint="/metrics",code="200"}')).toBe(1);
      expect(after.get('semtrace_http_request_duration_seconds_count{endpoint="/run_code"}')).toBe(7);
      // The slow ones took over a second: under the 1 s bucket there are only the four quick runs and the 429.
      expect(after.get('semtrace_http_request_duration_seconds_bucket{le="1",endpoint="/run_code"}')).toBe(5);
      expect(after.get('semtrace_queue_depth{state="running"}')).toBe(0);
    } finally {
      await app.close();
      await runtime.close();
    }
  }, 60_000);
});
