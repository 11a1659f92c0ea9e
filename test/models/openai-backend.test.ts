import { afterEach, describe, expect, it } from "vitest";
import { ApiCallError, ConfigError, RetryError } from "../../src/core/errors.js";
import { type Backend, type ChatRequest } from "../../src/models/backend.js";
import { type OpenAiBackendOptions, createOpenAiBackend } from "../../src/models/openai-backend.js";
import { type ScriptedOpenAiServer, type ScriptedServerOptions, reserveClosedBaseUrl, startScriptedOpenAiServer } from "../helpers/scripted-openai-server.js";

const servers: ScriptedOpenAiServer[] = [];
const backends: Backend[] = [];

afterEach(async () => {
  await Promise.all(backends.splice(0).map((backend) => backend.close()));
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function startServer(options: ScriptedServerOptions = {}): Promise<ScriptedOpenAiServer> {
  const server = await startScriptedOpenAiServer(options);
  servers.push(server);
  return server;
}

/** Fast retry settings so that the fault tests take milliseconds. */
function createBackend(baseUrls: string | string[], options: Partial<OpenAiBackendOptions> = {}): Backend {
  const backend = createOpenAiBackend(
    {
      model: "test-model",
      baseUrls,
      requestTimeoutMs: 2_000,
      retryBaseDelayMs: 5,
      retryMaxDelayMs: 20,
      deadCooldownMs: 20,
      maxRetries: 3,
      ...options,
    },
    {},
  );
  backends.push(backend);
  return backend;
}

const hello: ChatRequest = { messages: [{ role: "user", content: "hello" }] };

describe("openai backend: requests on the wire", () => {
  it("sends model, messages, n, temperature, top_p, max_tokens, seed and stop", async () => {
    const server = await startServer();
    const backend = createBackend(server.baseUrl);
    const response = await backend.complete({
      messages: [
        { role: "system", content: "be brief" },
        { role: "user", content: "hello" },
      ],
      n: 2,
      temperature: 0.7,
      topP: 0.9,
      maxTokens: 64,
      seed: 1234,
      stop: ["\n\n", "END"],
      metadata: { taskId: "t1", round: 0 },
    });
    expect(response.choices.map((choice) => choice.text)).toEqual(["answer 0.0", "answer 0.1"]);
    const body = server.requests[0]?.body;
    expect(body).toMatchObject({
      model: "test-model",
      messages: [
        { role: "system", content: "be brief" },
        { role: "user", content: "hello" },
      ],
      n: 2,
      temperature: 0.7,
      top_p: 0.9,
      max_tokens: 64,
      seed: 1234,
      stop: ["\n\n", "END"],
    });
    expect(body).not.toHaveProperty("metadata");
  });

  it("omits parameters the request leaves unset", async () => {
    const server = await startServer();
    await createBackend(server.baseUrl).complete(hello);
    const body = server.requests[0]?.body ?? {};
    for (const field of ["n", "temperature", "top_p", "max_tokens", "seed", "stop"]) expect(body).not.toHaveProperty(field);
  });

  it("counts usage, reports the served model and the server", async () => {
    const server = await startServer({
      responder: () => ({ choices: ["x"], usage: { promptTokens: 17, completionTokens: 4 }, model: "served-name" }),
    });
    const response = await createBackend(server.baseUrl).complete(hello);
    expect(response.usage).toEqual({ promptTokens: 17, completionTokens: 4 });
    expect(response.model).toBe("served-name");
    expect(response.servedBy).toBe(server.baseUrl);
    expect(response.cached).toBe(false);
    expect(response.choices).toEqual([{ text: "x", finishReason: "stop" }]);
  });

  it("asks again for the remainder when a server ignores n, shifting the seed, and sums usage", async () => {
    const server = await startServer({
      responder: (request) => ({ choices: [`only one ${request.index}`] }),
    });
    const response = await createBackend(server.baseUrl).complete({ ...hello, n: 3, seed: 7 });
    expect(response.choices.map((choice) => choice.text)).toEqual(["only one 0", "only one 1", "only one 2"]);
    expect(server.requests.map((request) => request.body.n)).toEqual([3, 2, undefined]);
    expect(server.requests.map((request) => request.body.seed)).toEqual([7, 8, 9]);
    expect(response.usage).toEqual({ promptTokens: 30, completionTokens: 15 });
  });
});

describe("openai backend: API keys", () => {
  it("refuses a remote URL without the key variable, naming the variable", () => {
    expect(() => createOpenAiBackend({ model: "m", baseUrls: "https://api.example.com/v1", apiKeyEnv: "MY_KEY" }, {})).toThrowError(ConfigError);
    expect(() => createOpenAiBackend({ model: "m", baseUrls: "https://api.example.com/v1", apiKeyEnv: "MY_KEY" }, {})).toThrowError(/MY_KEY/);
  });

  it("uses a dummy key for a loopback server and the named variable when set", async () => {
    const server = await startServer();
    await createBackend(server.baseUrl).complete(hello);
    expect(server.requests[0]?.headers.authorization).toBe("Bearer EMPTY");
    const keyed = createOpenAiBackend({ model: "m", baseUrls: server.baseUrl, apiKeyEnv: "MY_KEY" }, { MY_KEY: "sk-test" });
    backends.push(keyed);
    await keyed.complete(hello);
    expect(server.requests[1]?.headers.authorization).toBe("Bearer sk-test");
  });

  it("rejects invalid options with the offending field", () => {
    try {
      createOpenAiBackend({ model: "m", baseUrls: "not a url" }, {});
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).issues[0]?.path).toBe("baseUrls");
    }
  });
});

describe("openai backend: retries", () => {
  it.each([
    { kind: "rate-limit", retryAfter: "0" },
    { kind: "http-error", status: 500 },
    { kind: "http-error", status: 503 },
    { kind: "truncated-json" },
    { kind: "connection-reset" },
  ] as const)("retries after a $kind fault and completes", async (fault) => {
    const server = await startServer();
    server.injectFaults(fault);
    const response = await createBackend(server.baseUrl).complete(hello);
    expect(response.choices[0]?.text).toBe("answer 1.0");
    expect(server.requests).toHaveLength(2);
  });

  it.each([
    { fault: { kind: "rate-limit", retryAfter: "0" }, expected: { status: 429 }, message: /HTTP 429/ },
    { fault: { kind: "truncated-json" }, expected: { status: 200 }, message: /not JSON/ },
    { fault: { kind: "connection-reset" }, expected: { status: undefined }, message: /failed to connect/ },
    { fault: { kind: "hang" }, expected: { status: undefined }, message: /timed out after 300 ms/ },
  ] as const)("classifies a $fault.kind fault as a retryable ApiCallError", async ({ fault, expected, message }) => {
    const server = await startServer();
    server.injectFaults(fault);
    const failure = await createBackend(server.baseUrl, { maxRetries: 0, requestTimeoutMs: 300 })
      .complete(hello)
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RetryError);
    const [only] = (failure as RetryError).errors;
    expect(only).toBeInstanceOf(ApiCallError);
    expect(only).toMatchObject({ ...expected, isRetryable: true });
    expect((only as ApiCallError).message).toMatch(message);
  });

  it("retries a request that hangs past the timeout", async () => {
    const server = await startServer();
    server.injectFaults({ kind: "hang" });
    const started = Date.now();
    const response = await createBackend(server.baseUrl, { requestTimeoutMs: 300 }).complete(hello);
    expect(response.choices[0]?.text).toBe("answer 1.0");
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
  });

  it("waits at least as long as Retry-After says", async () => {
    const server = await startServer();
    server.injectFaults({ kind: "rate-limit", retryAfter: "1" });
    await createBackend(server.baseUrl).complete(hello);
    const [first, second] = server.requests;
    expect((second?.receivedAt ?? 0) - (first?.receivedAt ?? 0)).toBeGreaterThanOrEqual(900);
  });

  it("gives a RetryError holding every attempt when retries run out", async () => {
    const server = await startServer();
    server.injectFaults(...Array.from({ length: 3 }, () => ({ kind: "http-error", status: 502 }) as const));
    const failure = await createBackend(server.baseUrl, { maxRetries: 2 })
      .complete(hello)
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RetryError);
    const errors = (failure as RetryError).errors;
    expect(errors).toHaveLength(3);
    for (const error of errors) {
      expect(error).toBeInstanceOf(ApiCallError);
      expect(error).toMatchObject({ status: 502, url: `${server.baseUrl}/chat/completions`, isRetryable: true });
    }
    expect(server.requests).toHaveLength(3);
  });

  it("does not retry a client error", async () => {
    const server = await startServer();
    server.injectFaults({ kind: "http-error", status: 400 });
    const failure = await createBackend(server.baseUrl)
      .complete(hello)
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ApiCallError);
    expect(failure).toMatchObject({ status: 400, isRetryable: false });
    expect((failure as ApiCallError).body).toContain("internal error");
    expect(server.requests).toHaveLength(1);
  });
});

describe("openai backend: concurrency and fleets", () => {
  it("never has more requests in flight than maxConcurrency", async () => {
    let peak = 0;
    const server: ScriptedOpenAiServer = await startServer({
      responder: () => {
        peak = Math.max(peak, server.outstanding);
        return { choices: ["x"], delayMs: 60 };
      },
    });
    const backend = createBackend(server.baseUrl, { maxConcurrency: 2 });
    await Promise.all(Array.from({ length: 6 }, () => backend.complete(hello)));
    expect(server.requests).toHaveLength(6);
    expect(peak).toBe(2);
  });

  it("spreads concurrent requests over the servers", async () => {
    const slow = () => ({ choices: ["x"], delayMs: 100 });
    const first = await startServer({ responder: slow });
    const second = await startServer({ responder: slow });
    const backend = createBackend([first.baseUrl, second.baseUrl]);
    await Promise.all(Array.from({ length: 4 }, () => backend.complete(hello)));
    expect(first.requests).toHaveLength(2);
    expect(second.requests).toHaveLength(2);
  });

  it("sends each request to the server with the fewest outstanding requests", async () => {
    const busy = await startServer({ responder: () => ({ choices: ["slow"], delayMs: 400 }) });
    const idle = await startServer();
    const backend = createBackend([busy.baseUrl, idle.baseUrl]);
    const long = backend.complete(hello);
    for (let index = 0; index < 3; index += 1) await backend.complete(hello);
    expect(busy.requests).toHaveLength(1);
    expect(idle.requests).toHaveLength(3);
    await long;
    await backend.complete(hello);
    expect(busy.requests).toHaveLength(2);
  });

  it("skips a dead server and retries on a live one at once", async () => {
    const dead = await reserveClosedBaseUrl();
    const live = await startServer();
    const backend = createBackend([dead, live.baseUrl], { deadCooldownMs: 60_000, retryBaseDelayMs: 2_000 });
    const started = Date.now();
    for (let index = 0; index < 3; index += 1) {
      const response = await backend.complete(hello);
      expect(response.servedBy).toBe(live.baseUrl);
    }
    expect(live.requests).toHaveLength(3);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it("waits for the cool-down when every server is dead, then gives up with all attempts", async () => {
    const dead = await reserveClosedBaseUrl();
    const backend = createBackend(dead, { deadCooldownMs: 120, maxRetries: 2, retryBaseDelayMs: 1 });
    const started = Date.now();
    const failure = await backend.complete(hello).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RetryError);
    expect((failure as RetryError).errors).toHaveLength(3);
    expect((failure as RetryError).errors[0]).toMatchObject({ status: undefined, isRetryable: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(220);
  });
});
