/**
 * Reading a prediction for each task: a structured answer (`{"id", "answer"}`) or free model
 * text whose answer sits in `[ANSWER] … [/ANSWER]` tags. Only shapes are read here; a predicted
 * value's text is evaluated in the sandbox by the scorer, never on the host.
 */
import { z } from "zod";
import { extractAnswer, extractPrediction } from "../tasks/extract.js";
import { callParts, type ReasonPrediction, type ReasonQuestion } from "../config/reason-question.js";

/** What a prediction says, per task; `undefined` = it says nothing readable. */
export type ReadAnswer =
  | { task: "coverage"; value: boolean }
  | { task: "state"; repr: string; type?: string }
  | { task: "path"; value: number | null }
  | { task: "output"; literal: string };

const stateObject = z.looseObject({ repr: z.string(), type: z.string().optional() });

export function readAnswer(question: ReasonQuestion, prediction: ReasonPrediction): ReadAnswer | undefined {
  const raw = "text" in prediction ? tagged(prediction.text) : prediction.answer;
  if (raw === undefined) return undefined;
  switch (question.task) {
    case "coverage": {
      const value = typeof raw === "boolean" ? raw : typeof raw === "string" ? readBoolean(raw) : undefined;
      return value === undefined ? undefined : { task: "coverage", value };
    }
    case "state":
      return readState(typeof raw === "string" ? (tagged(raw) ?? raw) : raw);
    case "path": {
      const value = readLine(typeof raw === "string" ? (tagged(raw) ?? raw) : raw);
      return value === undefined ? undefined : { task: "path", value };
    }
    case "output": {
      if (typeof raw !== "string") return undefined;
      const literal = extractPrediction(raw.includes("[ANSWER]") ? raw : `[ANSWER]${raw}[/ANSWER]`, "output", callParts(question.call).entryPoint);
      return literal === undefined ? undefined : { task: "output", literal };
    }
  }
}

/** The tagged answer of a text, or the text itself when it has no tags. */
function tagged(text: string): string | undefined {
  return text.includes("[ANSWER]") ? extractAnswer(text) : text.trim() || undefined;
}

function readBoolean(text: string): boolean | undefined {
  const word = (tagged(text) ?? "")
    .trim()
    .replace(/[.`'"]/g, "")
    .toLowerCase();
  if (["true", "yes"].includes(word)) return true;
  if (["false", "no"].includes(word)) return false;
  return undefined;
}

function readState(raw: unknown): ReadAnswer | undefined {
  if (typeof raw === "string") {
    const json = parseJson(raw);
    const object = stateObject.safeParse(json);
    if (object.success) return { task: "state", repr: object.data.repr, ...(object.data.type === undefined ? {} : { type: object.data.type }) };
    return raw.trim() === "" ? undefined : { task: "state", repr: raw.trim() };
  }
  const object = stateObject.safeParse(raw);
  return object.success ? { task: "state", repr: object.data.repr, ...(object.data.type === undefined ? {} : { type: object.data.type }) } : undefined;
}

function readLine(raw: unknown): number | null | undefined {
  if (raw === null) return null;
  if (typeof raw === "number") return Number.isInteger(raw) && raw > 0 ? raw : undefined;
  if (typeof raw !== "string") return undefined;
  const text = raw
    .trim()
    .replace(/[.`'"]/g, "")
    .toLowerCase();
  if (["null", "none", "return", "returns"].includes(text)) return null;
  const match = /^(?:line\s*)?(\d+)$/.exec(text);
  return match ? Number(match[1]) : undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
