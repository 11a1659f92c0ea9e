/**
 * EvalPlus-style samples files: one JSON object per line with `task_id` and either `solution`
 * (a complete program) or `completion` (appended to the task's prompt, as EvalPlus does). Every
 * other field is kept in `extra`. A malformed line is reported with its line number and the
 * rest of the file still loads.
 */
import { z } from "zod";
import { parseJsonl } from "../core/jsonl.js";
import { type Problem } from "../core/problem.js";
import { readDataText } from "./read-data.js";

export interface SampleRecord {
  taskId: string;
  /** The complete program. */
  solution: string;
  /** 0-based position of this sample among the samples of its task, in file order. */
  index: number;
  lineNumber: number;
  /** The line's other fields (`is_solved`, `given_tests`, ...). */
  extra: Record<string, unknown>;
}

export interface SampleLineError {
  lineNumber: number;
  message: string;
}

export interface LoadedSamples {
  samples: SampleRecord[];
  errors: SampleLineError[];
}

export interface LoadSamplesOptions {
  /** Problems whose prompts complete `completion`-style samples. */
  problems?: readonly Problem[];
}

const sampleLineSchema = z.looseObject({
  task_id: z.string().min(1),
  solution: z.string().optional(),
  completion: z.string().optional(),
});

export async function loadSamples(path: string, options: LoadSamplesOptions = {}): Promise<LoadedSamples> {
  return parseSamples(await readDataText(path), options);
}

export function parseSamples(text: string, options: LoadSamplesOptions = {}): LoadedSamples {
  const prompts = new Map((options.problems ?? []).map((problem) => [problem.id, problem.prompt]));
  const counts = new Map<string, number>();
  const result: LoadedSamples = { samples: [], errors: [] };
  for (const line of parseJsonl(text)) {
    if (!line.ok) {
      result.errors.push({ lineNumber: line.lineNumber, message: line.error });
      continue;
    }
    const parsed = sampleLineSchema.safeParse(line.value);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((issue) => `${issue.path.join(".") || "(line)"}: ${issue.message}`);
      result.errors.push({ lineNumber: line.lineNumber, message: issues.join("; ") });
      continue;
    }
    const { task_id: taskId, solution, completion, ...extra } = parsed.data;
    const program = solution ?? completeWithPrompt(taskId, completion, prompts);
    if (typeof program !== "string") {
      result.errors.push({ lineNumber: line.lineNumber, message: program.error });
      continue;
    }
    const index = counts.get(taskId) ?? 0;
    counts.set(taskId, index + 1);
    result.samples.push({ taskId, solution: program, index, lineNumber: line.lineNumber, extra });
  }
  return result;
}

function completeWithPrompt(taskId: string, completion: string | undefined, prompts: ReadonlyMap<string, string>): string | { error: string } {
  if (completion === undefined) return { error: "neither `solution` nor `completion` is present" };
  const prompt = prompts.get(taskId);
  if (prompt === undefined) return { error: `\`completion\` needs the prompt of ${taskId}, which is not among the given problems` };
  return prompt + completion;
}
