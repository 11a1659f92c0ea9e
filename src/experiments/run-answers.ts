/**
 * The answers of a finished run as predictions: per task, the text of the first answer
 * (chain 0, round 0) of one model and seed, `{"id": <task id>, "text": <reply>}`. This is how
 * a `semtrace run` on the reason-* tasks is scored by `semtrace reason score`, which reads the
 * `[ANSWER]` tags of each reply as it reads any model text.
 */
import { ConfigError } from "../core/errors.js";
import { openRunStore } from "./run-store.js";

export interface RunAnswersOptions {
  /** The model's label (or id) in the run; needed when the run has several. */
  model?: string;
  /** Needed when the run has several seeds. */
  seed?: number;
}

export interface RunAnswer {
  id: string;
  text: string;
}

export function loadRunAnswers(runDir: string, options: RunAnswersOptions = {}): RunAnswer[] {
  const store = openRunStore(runDir, { readonly: true });
  try {
    const outcomes = store.outcomes();
    const model = only(
      outcomes.map((outcome) => outcome.model),
      options.model,
      "model",
      "--model",
      runDir,
    );
    const seed = only(
      outcomes.map((outcome) => outcome.seed),
      options.seed,
      "seed",
      "--seed",
      runDir,
    );
    const cells = outcomes.filter((outcome) => outcome.model === model && outcome.seed === seed);
    const answers = new Map<string, string>();
    for (const cell of cells) {
      const first = store.attempts(cell).find((attempt) => attempt.chain === 0 && attempt.round === 0);
      if (first !== undefined && !answers.has(cell.taskId)) answers.set(cell.taskId, first.response.text);
    }
    return [...answers].map(([id, text]) => ({ id, text }));
  } finally {
    store.close();
  }
}

/** The value asked for, or the run's only one; a ConfigError names the choices otherwise. */
function only<T extends string | number>(values: readonly T[], wanted: T | undefined, what: string, flag: string, runDir: string): T {
  const distinct = [...new Set(values)].sort();
  if (wanted !== undefined) {
    if (!distinct.includes(wanted)) throw new ConfigError(`run ${runDir} has no finished cell of ${what} ${wanted}; it has ${distinct.join(", ") || "none"}`);
    return wanted;
  }
  if (distinct.length !== 1)
    throw new ConfigError(
      `run ${runDir} has ${distinct.length === 0 ? "no finished cells" : `${distinct.length} ${what}s (${distinct.join(", ")}): choose one with ${flag}`}`,
    );
  return distinct[0]!;
}
