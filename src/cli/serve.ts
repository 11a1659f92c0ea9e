import type { Command } from "commander";
import { ConfigError } from "../core/errors.js";
import { buildServer } from "../server/server.js";
import { positiveInteger } from "./options.js";
import { action, log } from "./output.js";
import { addRuntimeOptions, runtimeFrom, type RuntimeFlags } from "./runtime-options.js";

interface ServeFlags extends RuntimeFlags {
  host: string;
  port: number;
  concurrency: number;
  queue: number;
  bodyLimit: number;
  tokenEnv?: string;
  dataDir?: string;
}

export function registerServeCommand(program: Command): void {
  addRuntimeOptions(
    program
      .command("serve")
      .description("serve the sandbox over HTTP: SandboxFusion-compatible POST /run_code, the native /v1 API, /health and /metrics")
      .option("--host <address>", "address to bind (loopback unless told otherwise)", "127.0.0.1")
      .option("--port <n>", "port to listen on", positiveInteger, 8080)
      .option("--concurrency <n>", "requests run at once", positiveInteger, 4)
      .option("--queue <n>", "requests that may wait for a slot before new ones get 429", positiveInteger, 256)
      .option("--body-limit <bytes>", "largest request body accepted (larger: 413)", positiveInteger, 16 * 1024 * 1024)
      .option("--token-env <name>", "environment variable holding a bearer token every request must carry")
      .option("--data-dir <dir>", "data folder POST /v1/evaluate reads benchmarks from"),
  ).action(action(async (flags: ServeFlags) => serveCommand(flags)));
}

async function serveCommand(flags: ServeFlags): Promise<void> {
  const token = flags.tokenEnv === undefined ? undefined : process.env[flags.tokenEnv];
  if (flags.tokenEnv !== undefined && !token) throw new ConfigError(`the environment variable ${flags.tokenEnv} named by --token-env is empty or unset`);
  const runtime = runtimeFrom(flags);
  const app = buildServer({
    runtime,
    concurrency: flags.concurrency,
    queueLimit: flags.queue,
    bodyLimitBytes: flags.bodyLimit,
    ...(token ? { token } : {}),
    ...(flags.dataDir === undefined ? {} : { dataDir: flags.dataDir }),
  });
  const address = await app.listen({ host: flags.host, port: flags.port });
  log(`semtrace serve: listening on ${address} (${runtime.name}, concurrency ${flags.concurrency})`);
  await new Promise<void>((resolve) => {
    // SIGTERM: new requests are refused (503) while the ones in flight finish.
    const stop = () =>
      void app
        .close()
        .then(() => runtime.close())
        .then(resolve);
    process.once("SIGTERM", stop);
    process.once("SIGINT", stop);
  });
  log("semtrace serve: drained and stopped");
}
