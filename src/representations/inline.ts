/**
 * Inline formats (NExT, scratchpad): the program with a trailing comment on each executed
 * line listing that line's entries in execution order. Hidden parts show as `...` among a
 * line's entries, followed by `[N runs, M not shown]` (runs = times the line ran or, on a
 * `def` line, times the function was called). Per test: the test facts as comments, notes
 * for gaps that are not tied to a line, then the annotated program. With `suspiciousness`,
 * the top SBFL lines end with `[suspicious #rank]`.
 */
import { countLineRuns } from "../trace/lines.js";
import { splitSourceLines } from "../trace/source.js";
import type { ClipReport } from "./clip.js";
import { programText } from "./entries.js";
import { resolveRenderOptions, type RenderOptions, type ResolvedRenderOptions } from "./options.js";
import type { RenderInput, Rendering } from "./representation.js";
import { suspiciousMark, suspiciousRanks } from "./sbfl.js";
import { factLines, renderPerTest, type TestFacts } from "./test-facts.js";
import { buildTraceView, describeGap, plural, type Gap, type StepEntry } from "./view.js";

export interface InlineStyle {
  /** The text of one entry, e.g. `(3) i=0` or `[STATE] {i: 0} [/STATE]`. */
  formatEntry(entry: StepEntry, options: ResolvedRenderOptions, clip: ClipReport): string;
  /** Between two entries of one line. */
  separator: string;
}

const HIDDEN = "...";

export function renderInline(input: RenderInput, options: RenderOptions | undefined, defaults: RenderOptions, style: InlineStyle): Rendering {
  const ranks = resolveRenderOptions(options, defaults).suspiciousness ? suspiciousRanks(input) : new Map<number, number>();
  return renderPerTest(input, options, defaults, {
    program: programText(input.program),
    repeatsProgram: true,
    test: (facts, resolved, clip) => renderTest(input.program, facts, resolved, clip, style, ranks),
    omitted: (note) => `# ${note}`,
  });
}

interface LineNotes {
  parts: string[];
  runs: number;
  hidden: number;
  lastIsHidden: boolean;
}

function renderTest(
  program: string,
  facts: TestFacts,
  options: ResolvedRenderOptions,
  clip: ClipReport,
  style: InlineStyle,
  ranks: Map<number, number>,
): string {
  const view = buildTraceView(facts.trace, program, options, clip);
  const byLine = new Map<number, LineNotes>();
  const notesFor = (line: number): LineNotes => {
    let notes = byLine.get(line);
    if (notes === undefined) {
      notes = { parts: [], runs: 0, hidden: 0, lastIsHidden: false };
      byLine.set(line, notes);
    }
    return notes;
  };
  const headerNotes = new Map<Gap["reason"], Gap>();
  for (const item of view.items) {
    if (item.kind === "entry") {
      const notes = notesFor(item.entry.line);
      notes.parts.push(style.formatEntry(item.entry, options, clip));
      notes.lastIsHidden = false;
      if (item.entry.kind === "line" || item.entry.kind === "call") notes.runs += 1;
      continue;
    }
    const gap = item.gap;
    if (gap.reason !== "loop") headerNotes.set(gap.reason, mergeGaps(headerNotes.get(gap.reason), gap));
    if (gap.reason === "unrecorded") continue;
    for (const [line, count] of countLineRuns(view.events, gap.start, gap.end)) {
      const notes = notesFor(line);
      if (!notes.lastIsHidden) notes.parts.push(HIDDEN);
      notes.lastIsHidden = true;
      notes.runs += count;
      notes.hidden += count;
    }
  }
  const header = [...factLines(facts), ...[...headerNotes.values()].map(describeGap)].map((line) => `# ${line}`);
  return [...header, ...annotate(program, byLine, style, ranks)].join("\n");
}

/**
 * Gaps not tied to one line become one note per kind: hidden deep calls are summed (there
 * can be many); earlier steps and unrecorded steps occur at most once per trace.
 */
function mergeGaps(previous: Gap | undefined, gap: Gap): Gap {
  if (previous?.reason === "depth" && gap.reason === "depth") {
    return { ...previous, calls: previous.calls + gap.calls, steps: previous.steps + gap.steps };
  }
  return gap;
}

/** Executed lines get their comment; with `suspiciousness`, ranked lines end with their rank. */
function annotate(program: string, byLine: Map<number, LineNotes>, style: InlineStyle, ranks: Map<number, number>): string[] {
  const source = splitSourceLines(programText(program));
  const annotated = source.map((text, index) => {
    const notes = byLine.get(index + 1);
    const rank = ranks.get(index + 1);
    const parts = [...(notes === undefined ? [] : [comment(notes, style)]), ...(rank === undefined ? [] : [`[${suspiciousMark(rank)}]`])];
    return parts.length === 0 ? text : `${text.trimEnd()}  # ${parts.join("  ")}`;
  });
  // Events on lines outside the program text (should not happen) are still shown, after it.
  const outside = [...byLine.entries()]
    .filter(([line]) => line < 1 || line > source.length)
    .sort(([a], [b]) => a - b)
    .map(([line, notes]) => `# line ${line}: ${comment(notes, style)}`);
  return [...annotated, ...outside];
}

function comment(notes: LineNotes, style: InlineStyle): string {
  const text = notes.parts.join(style.separator);
  if (notes.hidden === 0) return text;
  return `${text}  [${plural(notes.runs, "run")}, ${notes.hidden} not shown]`;
}
