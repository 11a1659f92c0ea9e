/**
 * The server's OpenAPI 3.1 document, generated from the same zod schemas that check every
 * request (published as schemas/openapi.json by `npm run schemas`, served at GET /openapi.json).
 */
import { z } from "zod";
import { RuntimeNameSchema, TraceSchema } from "../config/trace-schema.js";
import { EvaluateRequestSchema, EvaluateResponseSchema, RenderRequestSchema, RenderResponseSchema, TraceRequestSchema } from "./native-api.js";
import { RunCodeRequestSchema, RunCodeResponseSchema } from "./run-code.js";

export const HealthResponseSchema = z.strictObject({ status: z.literal("ok"), runtime: RuntimeNameSchema });

/** Every refusal: what is wrong, and for a schema violation where. */
export const ErrorResponseSchema = z.object({
  error: z.string(),
  path: z.string().optional().describe("The offending field of a 400, dotted (`tests.0.args`); empty for the body itself."),
});

const REQUESTS = {
  RunCodeRequest: RunCodeRequestSchema,
  TraceRequest: TraceRequestSchema,
  EvaluateRequest: EvaluateRequestSchema,
  RenderRequest: RenderRequestSchema,
};
const RESPONSES = {
  RunCodeResponse: RunCodeResponseSchema,
  Trace: TraceSchema,
  EvaluateResponse: EvaluateResponseSchema,
  RenderResponse: RenderResponseSchema,
  Health: HealthResponseSchema,
  Error: ErrorResponseSchema,
};

type SchemaName = keyof typeof REQUESTS | keyof typeof RESPONSES;

/** A component's JSON Schema: requests as clients may write them (defaults optional), responses as sent. */
function component(schema: z.ZodType, io: "input" | "output"): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { target: "draft-2020-12", io });
  return rest;
}

const json = (name: SchemaName) => ({ "application/json": { schema: { $ref: `#/components/schemas/${name}` } } });
const refusal = (description: string) => ({ description, content: json("Error") });

const REFUSALS = {
  "400": refusal("Malformed JSON, or a body that breaks the schema (with the offending path)"),
  "401": refusal("The server wants a bearer token and the request has none, or another"),
  "413": refusal("The body is larger than the server accepts"),
  "429": {
    ...refusal("Every sandbox slot and queue place is taken; retry after the Retry-After header's seconds"),
    headers: { "Retry-After": { schema: { type: "integer" } } },
  },
  "503": refusal("The server is shutting down"),
};

function work(summary: string, request: keyof typeof REQUESTS, response: SchemaName, extra: Record<string, unknown> = {}) {
  return {
    post: {
      summary,
      requestBody: { required: true, content: json(request) },
      responses: { "200": { description: "Done", content: json(response) }, ...REFUSALS, ...extra },
    },
  };
}

export function openApiDocument(): Record<string, unknown> {
  const schemas = {
    ...Object.fromEntries(Object.entries(REQUESTS).map(([name, schema]) => [name, component(schema, "input")])),
    ...Object.fromEntries(Object.entries(RESPONSES).map(([name, schema]) => [name, component(schema, "output")])),
  };
  return {
    openapi: "3.1.0",
    info: {
      title: "semtrace serve",
      version: "1",
      description: "Sandboxed Python over HTTP: SandboxFusion-compatible /run_code, and the native /v1 API for traces, verdicts and renderings.",
    },
    paths: {
      "/run_code": work("Run a program on standard input, answered as SandboxFusion answers (program failures are 200)", "RunCodeRequest", "RunCodeResponse"),
      "/v1/trace": work("Trace a program on a call or a standard input: the canonical trace", "TraceRequest", "Trace"),
      "/v1/evaluate": work(
        "Judge samples against a benchmark task or an inline generic problem: EvalPlus-style verdicts and per-test results",
        "EvaluateRequest",
        "EvaluateResponse",
        {
          "404": refusal("The benchmark's data is not in the server's data folder, or it has no such task"),
          "422": refusal("The problem has no hidden base test with an expected output, so nothing would judge the samples"),
        },
      ),
      "/v1/render": work(
        "Render traces (made here from calls or standard inputs, or given) as a representation, optionally within a token budget",
        "RenderRequest",
        "RenderResponse",
        {
          "422": refusal("Even the smallest rendering is over the budget"),
        },
      ),
      "/health": {
        get: { summary: "Liveness and the runtime served", responses: { "200": { description: "Serving", content: json("Health") }, "503": REFUSALS["503"] } },
      },
      "/metrics": {
        get: {
          summary: "Prometheus text: runs by endpoint and outcome, queue depth, latency histograms",
          responses: { "200": { description: "Metrics", content: { "text/plain": { schema: { type: "string" } } } } },
        },
      },
      "/openapi.json": {
        get: {
          summary: "This document",
          responses: { "200": { description: "OpenAPI 3.1", content: { "application/json": { schema: { type: "object" } } } } },
        },
      },
    },
    components: {
      schemas,
      securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "Required when the server was started with --token-env" } },
    },
    security: [{}, { bearer: [] }],
  };
}
