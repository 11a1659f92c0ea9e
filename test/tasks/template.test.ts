import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError } from "../../src/core/errors.js";
import type { Problem } from "../../src/core/problem.js";
import { TASK_NAMES, isReasonTask, loadTask } from "../../src/tasks/task.js";
import { loadPromptTemplate, parsePromptTemplate, renderPromptTemplate } from "../../src/tasks/template.js";

const FIXTURES = join(import.meta.dirname, "..", "fixtures", "experiments");
const folder = mkdtempSync(join(tmpdir(), "semtrace-templates-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const problem: Problem = {
  id: "p/1",
  source: { dataset: "fixture", version: "1" },
  prompt: 'def f(xs):\n    """Sum of xs."""\n',
  entryPoint: "f",
  reference: "def f(xs):\n    return sum(xs)\n",
  candidate: "def f(xs):\n    return 0\n",
  tests: [{ kind: "io", id: "t0", args: "[1, 2]", expected: "3", visibility: "public", group: "base" }],
};

describe("prompt templates", () => {
  it("splits sections into chat messages and fills placeholders verbatim", () => {
    const template = parsePromptTemplate("=== system ===\nBe brief.\n=== user ===\nSolve {{ prompt }} for {{entry_point}}.\n", "inline", [
      "prompt",
      "entry_point",
    ]);
    const messages = renderPromptTemplate(template, { prompt: "{{entry_point}} $&", entry_point: "f" });
    expect(messages).toEqual([
      { role: "system", content: "Be brief." },
      { role: "user", content: "Solve {{entry_point}} $& for f." },
    ]);
  });

  it("treats text without markers as one user message", () => {
    expect(renderPromptTemplate(parsePromptTemplate("Hi {{x}}", "inline"), { x: "there" })).toEqual([{ role: "user", content: "Hi there" }]);
  });

  it("rejects an unknown placeholder, naming it and the allowed ones", () => {
    const attempt = () => parsePromptTemplate("Fix {{programm}}", "my.tmpl", ["program", "feedback"]);
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/unknown placeholder\(s\) \{\{programm\}\}.*\{\{program\}\}, \{\{feedback\}\}/);
  });

  it("reports a missing file and a missing value", async () => {
    await expect(loadPromptTemplate(join(folder, "absent.tmpl"))).rejects.toThrow(/cannot read prompt template/);
    expect(() => renderPromptTemplate(parsePromptTemplate("{{a}}", "t"), {})).toThrow(/needs a value for \{\{a\}\}/);
  });

  it("renders the built-in prompt of every task, and the selfdebug turn after an answer", async () => {
    // The reason-* tasks read a question problem (test/reasoning/tasks.test.ts).
    for (const name of TASK_NAMES.filter((candidate) => !isReasonTask(candidate))) {
      const task = await loadTask(name);
      const messages = task.initialMessages(problem, "FEEDBACK TEXT");
      const user = messages.at(-1)!;
      expect(user.role).toBe("user");
      expect(user.content).not.toMatch(/\{\{/);
      if (name === "repair") expect(user.content).toContain("FEEDBACK TEXT");
      if (name === "predict-output") expect(user.content).toContain("assert f([1, 2]) == ??");
      if (name === "predict-input") expect(user.content).toContain("assert f(??) == 3");
    }
    const generate = await loadTask("generate");
    const next = generate.feedbackMessages(problem, generate.initialMessages(problem), "```python\ndef f(xs): return 0\n```", "TRACE HERE");
    expect(next.map((message) => message.role)).toEqual(["system", "user", "assistant", "user"]);
    expect(next.at(-1)!.content).toContain("TRACE HERE");
    expect(next.at(-1)!.content).toContain("`f`");
  });

  it("lets a user replace a template by path, and puts a few-shot prefix first", async () => {
    const task = await loadTask("generate", { template: join(FIXTURES, "custom-generate.md.tmpl") });
    expect(task.initialMessages(problem)).toEqual([{ role: "user", content: `CUSTOM PROMPT for f:\n${problem.prompt.trimEnd()}` }]);
    const withShots = await loadTask("generate", { fewShot: "EXAMPLES\n\n" });
    expect(withShots.initialMessages(problem).at(-1)!.content.startsWith("EXAMPLES\n\nSolve")).toBe(true);
    const bad = join(folder, "bad.tmpl");
    writeFileSync(bad, "Fix {{feedback}}");
    await expect(loadTask("generate", { template: bad })).rejects.toThrow(/\{\{feedback\}\}/);
  });
});
