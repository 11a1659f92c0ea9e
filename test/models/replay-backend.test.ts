import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigError, DataNotFoundError } from "../../src/core/errors.js";
import { type ChatRequest } from "../../src/models/backend.js";
import { createOpenAiBackend } from "../../src/models/openai-backend.js";
import {
  ReplayError,
  type ReplayBackendOptions,
  createReplayRecorder,
  fenceCompletion,
  loadReplayBackend,
  loadReplayRecords,
  withReplayRecording,
} from "../../src/models/replay-backend.js";
import { type ScriptedOpenAiServer, startScriptedOpenAiServer } from "../helpers/scripted-openai-server.js";

const fixtures = fileURLToPath(new URL("../fixtures/models", import.meta.url));
const samplesPath = join(fixtures, "evalplus-samples.jsonl");
const recordedPath = join(fixtures, "recorded-run.jsonl");

let directory: string;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), "semtrace-replay-"));
});
afterEach(() => rmSync(directory, { recursive: true, force: true }));

function ask(taskId: string, round: number, chain?: number, n?: number): ChatRequest {
  return {
    messages: [{ role: "user", content: "ignored by replay" }],
    ...(n === undefined ? {} : { n }),
    metadata: { taskId, round, ...(chain === undefined ? {} : { chain }) },
  };
}

async function texts(options: Omit<ReplayBackendOptions, "model">, request: ChatRequest): Promise<string[]> {
  const backend = await loadReplayBackend({ model: "test", ...options });
  const response = await backend.complete(request);
  return response.choices.map((choice) => choice.text);
}

describe("replay from an EvalPlus samples file", () => {
  it("serves the task's k-th sample in file order as chain k of round 0, fenced", async () => {
    expect(await texts({ path: samplesPath }, ask("HumanEval/0", 0, 1))).toEqual(["```python\ndef add(a, b):\n    return a - b\n```"]);
  });

  it("serves n samples from the request's chain on, leaving an existing fence alone", async () => {
    expect(await texts({ path: samplesPath }, ask("HumanEval/0", 0, 0, 3))).toEqual([
      "```python\ndef add(a, b):\n    return a + b\n```",
      "```python\ndef add(a, b):\n    return a - b\n```",
      "```python\ndef add(a, b):\n    return b + a\n```",
    ]);
  });

  it("reads `completion` lines and returns raw text when fencing is off", async () => {
    expect(await texts({ path: samplesPath, fence: false }, ask("HumanEval/1", 0))).toEqual(["    return x * 2\n"]);
  });

  it("answers like a model: finish reason stop, no tokens, served by the file", async () => {
    const backend = await loadReplayBackend({ model: "samples", path: samplesPath });
    const response = await backend.complete(ask("HumanEval/1", 0));
    expect(backend.id).toBe("replay:samples");
    expect(response).toMatchObject({
      usage: { promptTokens: 0, completionTokens: 0 },
      cached: false,
      model: "samples",
      servedBy: samplesPath,
    });
    expect(response.choices[0]?.finishReason).toBe("stop");
  });
});

describe("replay from a recorded run", () => {
  it("serves the recording of task, round and chain (chain defaults to 0)", async () => {
    expect(await texts({ path: recordedPath, fence: false }, ask("Mbpp/2", 1, 0))).toEqual(["round 1 chain 0"]);
    expect(await texts({ path: recordedPath, fence: false }, ask("Mbpp/3", 0))).toEqual(["only recording"]);
  });

  it("throws a ReplayError naming task, round and chain when a key has no recording", async () => {
    const backend = await loadReplayBackend({ model: "test", path: recordedPath });
    const failure = await backend.complete(ask("Mbpp/2", 1, 1)).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ReplayError);
    expect((failure as ReplayError).message).toMatch(/task Mbpp\/2 round 1 chain 1/);
    expect(failure).toMatchObject({ taskId: "Mbpp/2", round: 1, chain: 1 });
  });

  it("with repeat-last serves the chain's latest earlier round, else the task's last line", async () => {
    const options = { path: recordedPath, fence: false, onMissing: "repeat-last" } as const;
    expect(await texts(options, ask("Mbpp/2", 1, 1))).toEqual(["round 0 chain 1"]);
    expect(await texts(options, ask("Mbpp/2", 5, 0))).toEqual(["round 1 chain 0"]);
    expect(await texts(options, ask("Mbpp/2", 3, 1))).toEqual(["round 2 chain 1"]);
    expect(await texts(options, ask("Mbpp/2", 0, 7))).toEqual(["round 2 chain 1"]);
  });

  it("with repeat-last replays a one-round samples file in later rounds", async () => {
    const options = { path: samplesPath, fence: false, onMissing: "repeat-last" } as const;
    expect(await texts(options, ask("HumanEval/0", 3, 1))).toEqual(["def add(a, b):\n    return a - b"]);
  });

  it("still throws for an unknown task with repeat-last", async () => {
    const backend = await loadReplayBackend({ model: "test", path: recordedPath, onMissing: "repeat-last" });
    await expect(backend.complete(ask("Mbpp/99", 0))).rejects.toThrowError(/no recording for task Mbpp\/99/);
  });

  it("needs metadata.taskId and metadata.round", async () => {
    const backend = await loadReplayBackend({ model: "test", path: recordedPath });
    await expect(backend.complete({ messages: [], metadata: { taskId: "Mbpp/2" } })).rejects.toThrowError(/metadata\.taskId and metadata\.round/);
    await expect(backend.complete({ messages: [], metadata: { round: 0 } })).rejects.toBeInstanceOf(ReplayError);
  });
});

describe("replay files", () => {
  it("reports every bad line with file:line", async () => {
    const path = join(directory, "bad.jsonl");
    writeFileSync(
      path,
      [JSON.stringify({ task_id: "a", solution: "x" }), "{not json", JSON.stringify({ task_id: "a", round: 0 }), JSON.stringify({ name: "a" })].join("\n"),
    );
    const failure = await loadReplayRecords(path).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ConfigError);
    expect((failure as ConfigError).issues.map((issue) => issue.path)).toEqual([`${path}:2`, `${path}:3`, `${path}:4`]);
  });

  it("reports a missing file as DataNotFoundError", async () => {
    await expect(loadReplayRecords(join(directory, "absent.jsonl"))).rejects.toBeInstanceOf(DataNotFoundError);
  });

  it("fences only text that has no fence", () => {
    expect(fenceCompletion("x = 1")).toBe("```python\nx = 1\n```");
    expect(fenceCompletion("Here:\n```py\nx = 1\n```\n")).toBe("Here:\n```py\nx = 1\n```\n");
  });
});

describe("recording a run for replay", () => {
  let server: ScriptedOpenAiServer;
  beforeEach(async () => {
    server = await startScriptedOpenAiServer();
  });
  afterEach(() => server.close());

  it("writes lines that the replay backend serves back identically", async () => {
    const path = join(directory, "runs", "recorded.jsonl");
    const recorder = createReplayRecorder(path);
    const live = withReplayRecording(createOpenAiBackend({ model: "m", baseUrls: server.baseUrl }, {}), recorder);
    const requests = [ask("t/1", 0, 0, 2), ask("t/1", 1, 1), ask("t/2", 0)];
    const answers = [];
    for (const request of requests) answers.push((await live.complete(request)).choices.map((choice) => choice.text));
    expect(
      readFileSync(path, "utf8")
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line)),
    ).toEqual([
      { task_id: "t/1", round: 0, chain: 0, completion: "answer 0.0" },
      { task_id: "t/1", round: 0, chain: 1, completion: "answer 0.1" },
      { task_id: "t/1", round: 1, chain: 1, completion: "answer 1.0" },
      { task_id: "t/2", round: 0, chain: 0, completion: "answer 2.0" },
    ]);
    const replay = await loadReplayBackend({ model: "m", path, fence: false });
    for (const [index, request] of requests.entries()) {
      expect((await replay.complete(request)).choices.map((choice) => choice.text)).toEqual(answers[index]);
    }
  });

  it("refuses a request without task and round before calling the model", async () => {
    const recorder = createReplayRecorder(join(directory, "recorded.jsonl"));
    const live = withReplayRecording(createOpenAiBackend({ model: "m", baseUrls: server.baseUrl }, {}), recorder);
    await expect(live.complete({ messages: [{ role: "user", content: "hi" }] })).rejects.toBeInstanceOf(ReplayError);
    expect(server.requests).toHaveLength(0);
  });
});
