import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { describe, expect, it } from "vitest";
import { renderOpenAiJsonl, toOpenAiRecord, writeOpenAiExport } from "../../src/export/openai.js";
import { DEFAULT_TRL_VARIANT, renderTrlJsonl, toTrlRecord, writeTrlExport } from "../../src/export/trl.js";
import type { SftDataset } from "../../src/export/sft-example.js";
import { loadExampleFixtures, readJsonlValues, useTemporaryDirectories } from "./helpers.js";

const examples = loadExampleFixtures();
const [withSystem, , multiTurn] = examples as [(typeof examples)[number], unknown, (typeof examples)[number]];
const datasets: SftDataset[] = [
  { representation: "semcoder", split: "sim-lt-0.75", examples },
  { representation: "tests", split: "random", examples: [multiTurn] },
];
const temporaryDirectory = useTemporaryDirectories();

describe("OpenAI chat fine-tuning JSONL", () => {
  it("writes only the messages, with role before content", () => {
    const record = toOpenAiRecord({ ...withSystem, meta: { secret: 1 } });
    expect(JSON.stringify(record)).toBe(JSON.stringify({ messages: withSystem.messages.map(({ role, content }) => ({ role, content })) }));
    expect(renderOpenAiJsonl(examples).split("\n")).toHaveLength(4);
  });

  it("escapes the characters Python's splitlines would break a line at", () => {
    const content = "a\u2028b\u2029c\u0085d\ne";
    const example = {
      id: "x",
      messages: [
        { role: "user" as const, content },
        { role: "assistant" as const, content: "ok" },
      ],
    };
    const text = renderOpenAiJsonl([example]);
    expect(text).not.toMatch(/[\u0085\u2028\u2029]/);
    expect(text.split("\n")).toHaveLength(2);
    expect(JSON.parse(text)).toEqual({ messages: example.messages });
  });

  it("writes one file per representation and split, identical on a rewrite", async () => {
    const first = await temporaryDirectory();
    const second = await temporaryDirectory();
    const paths = await writeOpenAiExport(first, datasets);
    const again = await writeOpenAiExport(second, datasets);
    expect(paths.map((path) => basename(path))).toEqual(["semcoder.sim-lt-0.75.jsonl", "tests.random.jsonl"]);
    paths.forEach((path, index) => expect(readFileSync(path).equals(readFileSync(again[index] as string))).toBe(true));
    expect(readJsonlValues(paths[1] as string)).toEqual([{ messages: multiTurn.messages }]);
  });
});

describe("TRL conversational JSONL", () => {
  it("defaults to the messages (language-modeling) type", () => {
    expect(DEFAULT_TRL_VARIANT).toBe("messages");
    expect(toTrlRecord(withSystem)).toEqual({ messages: withSystem.messages });
  });

  it("splits the chat at the final assistant turn for the prompt-completion type", () => {
    expect(toTrlRecord(multiTurn, "prompt-completion")).toEqual({
      prompt: multiTurn.messages.slice(0, 4),
      completion: [{ role: "assistant", content: "x = 2" }],
    });
    const lines = renderTrlJsonl(examples, { variant: "prompt-completion" }).trimEnd().split("\n");
    expect(lines.map((line) => Object.keys(JSON.parse(line) as object))).toEqual([
      ["prompt", "completion"],
      ["prompt", "completion"],
      ["prompt", "completion"],
    ]);
  });

  it("writes byte-identical files for the same input", async () => {
    const first = await temporaryDirectory();
    const second = await temporaryDirectory();
    const paths = await writeTrlExport(first, datasets, { variant: "prompt-completion" });
    const again = await writeTrlExport(second, datasets, { variant: "prompt-completion" });
    paths.forEach((path, index) => expect(readFileSync(path).equals(readFileSync(again[index] as string))).toBe(true));
    expect(readFileSync(paths[0] as string, "utf8").endsWith("}\n")).toBe(true);
  });
});
