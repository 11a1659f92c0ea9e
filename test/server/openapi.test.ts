import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Validator } from "@seriousme/openapi-schema-validator";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { createRuntime } from "../../src/runtime/index.js";
import { buildServer } from "../../src/server/server.js";

const published = JSON.parse(readFileSync(join(import.meta.dirname, "../../schemas/openapi.json"), "utf8")) as {
  openapi: string;
  paths: Record<string, Record<string, unknown>>;
  components: { schemas: Record<string, object> };
};

describe("the OpenAPI document", () => {
  it("is a valid OpenAPI 3.1 document, and the check rejects a broken one (positive control)", async () => {
    const result = await new Validator().validate(structuredClone(published));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    const broken = structuredClone(published) as { paths: Record<string, Record<string, { responses?: unknown }>> };
    broken.paths["/v1/trace"]!.post!.responses = "none";
    expect((await new Validator().validate(broken)).valid).toBe(false);
  });

  it("is served at GET /openapi.json, names every route the server has, and describes real bodies", async () => {
    const runtime = createRuntime("cpython", { poolSize: 1 });
    const app = buildServer({ runtime, concurrency: 1, queueLimit: 4, bodyLimitBytes: 64 * 1024 });
    try {
      const base = await app.listen({ host: "127.0.0.1", port: 0 });
      expect(await (await fetch(`${base}/openapi.json`)).json()).toEqual(published);
      expect(published.openapi).toBe("3.1.0");
      for (const [url, methods] of Object.entries(published.paths)) {
        for (const method of Object.keys(methods)) expect(app.hasRoute({ url, method: method.toUpperCase() as "GET" | "POST" }), `${method} ${url}`).toBe(true);
      }
      expect(app.hasRoute({ url: "/v1/nothing", method: "POST" })).toBe(false);

      const ajv = new Ajv2020({ strict: false });
      const valid = (name: string, body: unknown) => {
        const validate = ajv.compile(published.components.schemas[name]!);
        return validate(body) ? "valid" : ajv.errorsText(validate.errors);
      };
      const request = { program: "def f(x):\n    return x * 2\n", call: "f(4)" };
      expect(valid("TraceRequest", request)).toBe("valid");
      expect(valid("TraceRequest", { ...request, limits: { timeoutMs: "soon" } })).not.toBe("valid");
      const traced = await fetch(`${base}/v1/trace`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(request) });
      expect(valid("Trace", await traced.json())).toBe("valid");
      const refused = await fetch(`${base}/v1/trace`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
      expect(valid("Error", await refused.json())).toBe("valid");
      expect(valid("Health", await (await fetch(`${base}/health`)).json())).toBe("valid");
    } finally {
      await app.close();
      await runtime.close();
    }
  }, 60_000);
});
