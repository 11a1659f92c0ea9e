import { z } from "zod";

/**
 * A reward client that scores a generation on stdin cases the way verl's SandboxFusion reward
 * code does (verl/utils/reward_score/sandbox_fusion/utils.py): one POST /run_code per case,
 * then per case `true` (Success, Finished, stdout equal to the expected output up to trailing
 * newlines), `false` (a wrong answer), -1 (API or sandbox error), -2 (runtime error: Error, or
 * Finished with a non-zero exit status), -3 (TimeLimitExceeded) or -4 (compile error). It reads
 * only the fields verl reads, and believes what the server says.
 */
export type CaseResult = true | false | -1 | -2 | -3 | -4;

const RunResultSchema = z.object({ status: z.string(), return_code: z.number().nullable().optional(), stdout: z.string().nullable().optional() });
const ResponseSchema = z.object({
  status: z.string(),
  compile_result: RunResultSchema.nullable().optional(),
  run_result: RunResultSchema.nullable().optional(),
});
export type SandboxResponse = z.infer<typeof ResponseSchema>;

export interface CaseMetadata {
  apiStatus?: string;
  runStatus?: string;
  exitCode?: number | null;
  stdout?: string | null;
}

export async function postRunCode(url: string, code: string, stdin: string, timeout: number): Promise<SandboxResponse | undefined> {
  const body = JSON.stringify({ compile_timeout: timeout, run_timeout: timeout, code, stdin, language: "python", files: {}, fetch_files: [] });
  for (let attempt = 0; attempt < 3; attempt++) {
    const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json", accept: "application/json" }, body });
    if (response.status === 504) continue;
    if (!response.ok) return undefined;
    const parsed = ResponseSchema.safeParse(await response.json());
    return parsed.success ? parsed.data : undefined;
  }
  return undefined;
}

export function scoreCase(response: SandboxResponse | undefined, expected: string): { result: CaseResult; metadata: CaseMetadata } {
  if (response === undefined) return { result: -1, metadata: {} };
  const run = response.run_result ?? undefined;
  const metadata: CaseMetadata = { apiStatus: response.status, runStatus: run?.status, exitCode: run?.return_code, stdout: run?.stdout };
  if (response.status === "SandboxError") return { result: -1, metadata };
  if (response.status === "Failed") {
    const compile = response.compile_result ?? undefined;
    if (compile && (compile.status !== "Finished" || compile.return_code !== 0)) return { result: -4, metadata };
    if (!run) return { result: -1, metadata };
    if (run.status === "TimeLimitExceeded") return { result: -3, metadata };
    if (run.status === "Error" || (run.status === "Finished" && run.return_code !== 0)) return { result: -2, metadata };
    return { result: -1, metadata };
  }
  if (response.status === "Success") {
    if (run?.status !== "Finished") return { result: -1, metadata };
    return { result: (run.stdout ?? "").replace(/\n+$/, "") === expected.replace(/\n+$/, ""), metadata };
  }
  return { result: -1, metadata };
}

/** verl's check_correctness: every case at once, results in case order. */
export async function checkCorrectness(
  url: string,
  inOuts: { inputs: string[]; outputs: string[] },
  generation: string,
  timeout = 10,
): Promise<{ results: CaseResult[]; metadata: CaseMetadata[] }> {
  const scored = await Promise.all(
    inOuts.inputs.map(async (input, index) => scoreCase(await postRunCode(url, generation, input, timeout), inOuts.outputs[index]!)),
  );
  return { results: scored.map((entry) => entry.result), metadata: scored.map((entry) => entry.metadata) };
}

/** A generation is rewarded only when every case is `true`. */
export function allCorrect(results: CaseResult[]): boolean {
  return results.length > 0 && results.every((result) => result === true);
}
