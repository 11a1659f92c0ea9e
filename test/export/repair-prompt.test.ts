import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/core/errors.js";
import { createRepairMessages, loadRepairTemplate, renderRepairTarget } from "../../src/export/build/repair-prompt.js";
import { extractCode } from "../../src/tasks/extract.js";
import { useTemporaryDirectories } from "./helpers.js";

const temporaryDirectory = useTemporaryDirectories();
const values = { prompt: '\n\ndef f(x):\n    """Double x."""\n', entry_point: "f", feedback: "def f(x):\n    return x\n\n" };

async function templateFile(text: string): Promise<string> {
  const path = join(await temporaryDirectory(), "template.md.tmpl");
  await writeFile(path, text);
  return path;
}

describe("the repair SFT template", () => {
  it("ships a default with a system and a user message holding the task, the entry point and the rendering", async () => {
    const messages = createRepairMessages(await loadRepairTemplate(), { values, fixed: "def f(x):\n    return 2 * x\n" });
    expect(messages.map((message) => message.role)).toEqual(["system", "user", "assistant"]);
    const user = messages[1]?.content ?? "";
    expect(user).toContain('Task:\ndef f(x):\n    """Double x."""\n\nThe program and what happened when it ran:\ndef f(x):\n    return x\n\nFind the bug');
    expect(user).toContain("corrected function `f`");
    expect(user).not.toMatch(/\{\{/);
    expect(messages[2]?.content).toBe("```python\ndef f(x):\n    return 2 * x\n```");
  });

  it("is the repair task's prompt format: the inference template can be used for training", async () => {
    const inference = await loadRepairTemplate(new URL("../../src/tasks/templates/repair.md.tmpl", import.meta.url).pathname);
    const messages = createRepairMessages(inference, { values, fixed: "pass" });
    expect(messages.at(-2)?.content).toContain("def f(x):\n    return x");
  });

  it("inserts values once, so values holding braces stay as they are", async () => {
    const template = await loadRepairTemplate(await templateFile("{{ prompt }}|{{feedback}}"));
    const [user] = createRepairMessages(template, { values: { ...values, prompt: "{{feedback}} $& $1" }, fixed: "pass" });
    expect(user?.content).toBe("{{feedback}} $& $1|def f(x):\n    return x");
  });

  it("rejects unknown placeholders, a template without the rendering, and one ending on the assistant", async () => {
    await expect(loadRepairTemplate(await templateFile("{{program}} {{feedback}}"))).rejects.toThrow(/unknown placeholder\(s\) \{\{program\}\}/);
    await expect(loadRepairTemplate(await templateFile("{{prompt}}"))).rejects.toThrow(ConfigError);
    await expect(loadRepairTemplate(await templateFile("{{feedback}}\n=== assistant ===\nok\n"))).rejects.toThrow(/must end with a user section/);
  });
});

describe("the repair chat", () => {
  it("targets the fixed program in a python fence, which extraction recovers", () => {
    const target = renderRepairTarget("def f(x):\r\n    return 2 * x\r\n\n");
    expect(target).toBe("```python\ndef f(x):\n    return 2 * x\n```");
    expect(extractCode(`Because...\n\n${target}\nmore`, "f")?.trimEnd()).toBe("def f(x):\n    return 2 * x");
  });

  it("puts the rationale after the prompt or before the code", async () => {
    const template = await loadRepairTemplate(await templateFile("=== user ===\n{{feedback}}\n"));
    const prompt = createRepairMessages(template, { values, fixed: "pass", rationale: { text: " R\n", position: "prompt" } });
    expect(prompt).toEqual([
      { role: "user", content: "def f(x):\n    return x\n\nR" },
      { role: "assistant", content: "```python\npass\n```" },
    ]);
    const target = createRepairMessages(template, { values, fixed: "pass", rationale: { text: "R", position: "target" } });
    expect(target[1]).toEqual({ role: "assistant", content: "R\n\n```python\npass\n```" });
  });
});
