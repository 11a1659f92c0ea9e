/**
 * The repair chat of one pair, in the tasks module's template format (`=== system ===` /
 * `=== user ===` sections, `{{name}}` placeholders). The placeholders are those of the `repair`
 * task, so a model is trained on the prompt it is later asked with: `{{prompt}}` (the task),
 * `{{entry_point}}`, `{{feedback}}` (the representation's rendering: the buggy program and the
 * execution facts the representation shows; required) and `{{few_shot}}` (always empty here).
 * The built-in template is src/tasks/templates/repair-sft.md.tmpl; a config may name another file.
 *
 * The target, the assistant message, is the fixed program in a ```python fenced block. An
 * optional rationale goes after the last user message or before the code in the target.
 */
import { fileURLToPath } from "node:url";
import { ConfigError } from "../../core/errors.js";
import { TEMPLATE_VARIABLES } from "../../tasks/task.js";
import { loadPromptTemplate, renderPromptTemplate, type PromptTemplate } from "../../tasks/template.js";
import type { SftMessage } from "../sft-example.js";

export const DEFAULT_REPAIR_TEMPLATE_PATH = fileURLToPath(new URL("../../tasks/templates/repair-sft.md.tmpl", import.meta.url));

export interface RepairPromptValues {
  prompt: string;
  entry_point: string;
  feedback: string;
}

export async function loadRepairTemplate(path: string = DEFAULT_REPAIR_TEMPLATE_PATH): Promise<PromptTemplate> {
  return checkRepairTemplate(await loadPromptTemplate(path, TEMPLATE_VARIABLES.repair));
}

/** The template must show the rendering and end on the user's turn, which the target answers. */
export function checkRepairTemplate(template: PromptTemplate): PromptTemplate {
  if (!template.variables.includes("feedback")) {
    throw new ConfigError(`${template.source}: the repair template must contain {{feedback}}, where the program and its facts go`, {
      source: template.source,
    });
  }
  if (template.sections.at(-1)?.role !== "user") {
    throw new ConfigError(`${template.source}: the repair template must end with a user section; the target is the answer to it`, {
      source: template.source,
    });
  }
  return template;
}

export type RationalePosition = "prompt" | "target";

export interface RepairChatParts {
  values: RepairPromptValues;
  /** The fixed program. */
  fixed: string;
  rationale?: { text: string; position: RationalePosition };
}

/** Values lose leading blank lines and trailing whitespace (indentation is kept). */
export function createRepairMessages(template: PromptTemplate, parts: RepairChatParts): SftMessage[] {
  const values = Object.fromEntries(Object.entries(parts.values).map(([name, value]) => [name, trimBlock(value)]));
  const messages: SftMessage[] = renderPromptTemplate(template, { ...values, few_shot: "" }).map((message) => ({ ...message }));
  const rationale = parts.rationale?.text.trim();
  const last = messages.at(-1) as SftMessage;
  if (rationale !== undefined && parts.rationale?.position === "prompt") last.content = `${last.content}\n\n${rationale}`;
  const target = renderRepairTarget(parts.fixed);
  const answer = rationale !== undefined && parts.rationale?.position === "target" ? `${rationale}\n\n${target}` : target;
  return [...messages, { role: "assistant", content: answer }];
}

export function renderRepairTarget(fixed: string): string {
  return "```python\n" + fixed.replace(/\r\n?/g, "\n").trimEnd() + "\n```";
}

function trimBlock(text: string): string {
  return text
    .replace(/\r\n?/g, "\n")
    .replace(/^(?:[ \t]*\n)+/, "")
    .trimEnd();
}
