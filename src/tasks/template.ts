/**
 * Prompt templates: text files with `{{variable}}` placeholders, split into chat messages by
 * marker lines `=== system ===`, `=== user ===` and `=== assistant ===` (text before any
 * marker is a user message). The built-in templates live in ./templates; a user replaces one
 * by giving the path of a file in the same format.
 */
import { readFile } from "node:fs/promises";
import { type ChatRole, ChatRoleSchema } from "../config/attempt-schema.js";
import { ConfigError, errorMessage } from "../core/errors.js";

export type PromptRole = ChatRole;

export interface PromptMessage {
  role: PromptRole;
  content: string;
}

export interface PromptTemplate {
  /** Built-in name or file path, for error messages. */
  source: string;
  sections: { role: PromptRole; text: string }[];
  /** Placeholders used, in order of first use. */
  variables: string[];
}

export const BUILTIN_TEMPLATE_NAMES = [
  "generate",
  "repair",
  "selfdebug",
  "predict-output",
  "predict-input",
  "reason-coverage",
  "reason-state",
  "reason-path",
  "reason-output",
] as const;
export type BuiltinTemplateName = (typeof BUILTIN_TEMPLATE_NAMES)[number];

const MARKER = /^===\s*(system|user|assistant)\s*===\s*$/;
const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

export function isBuiltinTemplateName(name: string): name is BuiltinTemplateName {
  return (BUILTIN_TEMPLATE_NAMES as readonly string[]).includes(name);
}

/**
 * Parses template text; a placeholder outside `allowed` is a ConfigError naming it, so a typo
 * in a user's template fails before any request is made.
 */
export function parsePromptTemplate(text: string, source: string, allowed?: readonly string[]): PromptTemplate {
  const sections: PromptTemplate["sections"] = [];
  let current: { role: PromptRole; lines: string[] } = { role: "user", lines: [] };
  const flush = () => {
    const body = current.lines
      .join("\n")
      .replace(/^\s*\n/, "")
      .trimEnd();
    if (body.trim() !== "") sections.push({ role: current.role, text: body });
  };
  for (const line of text.replace(/\r\n?/g, "\n").split("\n")) {
    const marker = MARKER.exec(line);
    if (marker === null) {
      current.lines.push(line);
      continue;
    }
    flush();
    current = { role: ChatRoleSchema.parse(marker[1]), lines: [] };
  }
  flush();
  if (sections.length === 0) throw new ConfigError(`prompt template ${source} is empty`, { source });
  const variables = [...new Set(sections.flatMap((section) => [...section.text.matchAll(PLACEHOLDER)].map((match) => match[1]!)))];
  const unknown = allowed === undefined ? [] : variables.filter((name) => !allowed.includes(name));
  if (unknown.length > 0) {
    throw new ConfigError(
      `prompt template ${source} uses unknown placeholder(s) ${unknown.map((name) => `{{${name}}}`).join(", ")}; ` +
        `this template may use: ${allowed!.map((name) => `{{${name}}}`).join(", ")}`,
      { source, issues: unknown.map((name) => ({ path: source, message: `unknown placeholder {{${name}}}` })) },
    );
  }
  return { source, sections, variables };
}

/** A built-in template by name, or a template file by path. */
export async function loadPromptTemplate(nameOrPath: string, allowed?: readonly string[]): Promise<PromptTemplate> {
  const url = isBuiltinTemplateName(nameOrPath) ? new URL(`./templates/${nameOrPath}.md.tmpl`, import.meta.url) : undefined;
  let text: string;
  try {
    text = await readFile(url ?? nameOrPath, "utf8");
  } catch (error) {
    throw new ConfigError(`cannot read prompt template ${nameOrPath}: ${errorMessage(error)}`, { source: nameOrPath, cause: error });
  }
  return parsePromptTemplate(text, nameOrPath, allowed);
}

/** Fills the placeholders; every placeholder the template uses must have a value. */
export function renderPromptTemplate(template: PromptTemplate, variables: Readonly<Record<string, string>>): PromptMessage[] {
  const missing = template.variables.filter((name) => variables[name] === undefined);
  if (missing.length > 0) {
    throw new ConfigError(`prompt template ${template.source} needs a value for ${missing.map((name) => `{{${name}}}`).join(", ")}`);
  }
  // One pass over the template text: values are inserted verbatim, never re-scanned for placeholders.
  return template.sections.map((section) => ({
    role: section.role,
    content: section.text.replace(PLACEHOLDER, (_, name: string) => variables[name]!),
  }));
}
