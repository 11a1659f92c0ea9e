/**
 * The HTTP face of a Runtime, on Fastify: bounded work, bounded bodies, an optional bearer
 * token, and every body checked by its zod schema before anything runs.
 */
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import pLimit from "p-limit";
import type { z } from "zod";
import type { Runtime } from "../runtime/runtime.js";
import { createMetrics } from "./metrics.js";
import { openApiDocument } from "./openapi.js";
import { createNativeApi, EvaluateRequestSchema, RenderRequestSchema, TraceRequestSchema } from "./native-api.js";
import { runCode, RunCodeRequestSchema } from "./run-code.js";

export interface ServerOptions {
  runtime: Runtime;
  /** Requests that run at once. */
  concurrency: number;
  /** Requests that may wait for a slot; one more is answered 429. */
  queueLimit: number;
  bodyLimitBytes: number;
  /** When set, every request must carry `Authorization: Bearer <token>`. */
  token?: string;
  /** The data folder `/v1/evaluate` reads benchmarks from. */
  dataDir?: string;
}

export const RETRY_AFTER_S = 1;

export function buildServer(options: ServerOptions): FastifyInstance {
  const app = Fastify({ bodyLimit: options.bodyLimitBytes, return503OnClosing: true });
  const limit = pLimit(options.concurrency);
  const metrics = createMetrics(() => ({ running: limit.activeCount, waiting: limit.pendingCount }));
  // Once closing, a connection that answered its last request must end, or close waits for its keep-alive timeout.
  let closing = false;
  app.addHook("preClose", async () => {
    closing = true;
  });
  const arrived = new WeakMap<FastifyRequest, number>();
  app.addHook("onRequest", async (request) => {
    arrived.set(request, performance.now());
  });
  app.addHook("onSend", async (request, reply) => {
    if (closing) void reply.header("connection", "close");
    // Counted before the answer leaves, so that a client that has it also finds it counted.
    const seconds = (performance.now() - (arrived.get(request) ?? performance.now())) / 1000;
    metrics.answered(request.routeOptions.url ?? "unmatched", reply.statusCode, seconds);
  });
  if (options.token !== undefined) {
    const expected = `Bearer ${options.token}`;
    app.addHook("onRequest", async (request, reply) => {
      if (request.headers.authorization !== expected) await reply.code(401).send({ error: "a valid bearer token is required" });
    });
  }
  app.setErrorHandler((error: { statusCode?: number; message: string }, _request, reply) => {
    const status = error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    void reply.code(status).send({ error: error.message });
  });
  app.get("/health", async () => ({ status: "ok", runtime: options.runtime.name }));
  const openApi = openApiDocument();
  app.get("/openapi.json", async () => openApi);
  app.get("/metrics", async (_request, reply) => reply.header("content-type", metrics.contentType).send(await metrics.text()));
  /** Runs `work` in a sandbox slot once its body is valid, and counts the outcomes of what it gave. */
  const bounded =
    <S extends z.ZodType, R>(schema: S, work: (body: z.infer<S>) => Promise<R>, outcomes: (result: R) => string[]) =>
    async (request: FastifyRequest, reply: FastifyReply) => {
      const parsed = schema.safeParse(request.body);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        return reply.code(400).send({ error: issue.message, path: issue.path.map(String).join(".") });
      }
      if (limit.activeCount + limit.pendingCount >= options.concurrency + options.queueLimit) {
        return reply.code(429).header("retry-after", String(RETRY_AFTER_S)).send({ error: "the server is at capacity" });
      }
      const result = await limit(() => work(parsed.data));
      metrics.ran(request.routeOptions.url ?? "unmatched", outcomes(result));
      return result;
    };
  app.post(
    "/run_code",
    bounded(
      RunCodeRequestSchema,
      (body) => runCode(options.runtime, body),
      (result) => [result.status],
    ),
  );
  const native = createNativeApi({ runtime: options.runtime, ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }) });
  app.post(
    "/v1/trace",
    bounded(TraceRequestSchema, native.trace, (trace) => [trace.outcome.kind]),
  );
  app.post(
    "/v1/evaluate",
    bounded(EvaluateRequestSchema, native.evaluate, (result) => result.samples.map((sample) => sample.base_status)),
  );
  app.post(
    "/v1/render",
    bounded(RenderRequestSchema, native.render, () => ["rendered"]),
  );
  return app;
}
