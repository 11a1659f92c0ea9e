/**
 * The HTTP face of a Runtime, on Fastify: bounded work, bounded bodies, an optional bearer
 * token, and every body checked by its zod schema before anything runs.
 */
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import pLimit from "p-limit";
import type { z } from "zod";
import type { Runtime } from "../runtime/runtime.js";
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
}

export const RETRY_AFTER_S = 1;

export function buildServer(options: ServerOptions): FastifyInstance {
  const app = Fastify({ bodyLimit: options.bodyLimitBytes, return503OnClosing: true });
  const limit = pLimit(options.concurrency);
  // Once closing, a connection that answered its last request must end, or close waits for its keep-alive timeout.
  let closing = false;
  app.addHook("preClose", async () => {
    closing = true;
  });
  app.addHook("onSend", async (_request, reply) => {
    if (closing) void reply.header("connection", "close");
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
  const bounded = <S extends z.ZodType, R>(schema: S, work: (body: z.infer<S>) => Promise<R>) =>
    async (request: FastifyRequest, reply: FastifyReply) => {
      const parsed = schema.safeParse(request.body);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        return reply.code(400).send({ error: issue.message, path: issue.path.map(String).join(".") });
      }
      if (limit.activeCount + limit.pendingCount >= options.concurrency + options.queueLimit) {
        return reply.code(429).header("retry-after", String(RETRY_AFTER_S)).send({ error: "the server is at capacity" });
      }
      return limit(() => work(parsed.data));
    };
  app.post("/run_code", bounded(RunCodeRequestSchema, (body) => runCode(options.runtime, body)));
  return app;
}
