/**
 * Sequence formats (CodeExecutor, Concise, SemCoder): the program once, then per test a
 * header, one line per entry in execution order (indented two spaces per call depth), one
 * line per gap saying what it hides, and a footer with the result. With `suspiciousness`, the
 * program's top SBFL lines end with `# suspicious #rank`.
 */
import { emptyClipReport, type ClipReport } from "./clip.js";
import { gapDepth, indentation, joinSections, programText } from "./entries.js";
import { resolveRenderOptions, type RenderOptions, type ResolvedRenderOptions } from "./options.js";
import type { RenderInput, Rendering } from "./representation.js";
import { markSuspiciousLines, suspiciousRanks } from "./sbfl.js";
import { omittedTestsNote, selectTests, type TestFacts } from "./test-facts.js";
import { buildTraceView, type Gap, type StepEntry } from "./view.js";

export interface SequenceStyle {
  header(facts: TestFacts): string[];
  entry(entry: StepEntry, options: ResolvedRenderOptions, clip: ClipReport): string;
  gap(gap: Gap): string;
  footer(facts: TestFacts): string[];
  /** The closing line when tests were left out. */
  omitted(note: string): string;
}

export function renderSequence(
  input: RenderInput,
  options: RenderOptions | undefined,
  defaults: RenderOptions,
  style: SequenceStyle,
): Rendering {
  const resolved = resolveRenderOptions(options, defaults);
  const clip = emptyClipReport();
  const { shown, omitted } = selectTests(input, resolved, clip);
  const ranks = resolved.suspiciousness ? suspiciousRanks(input) : new Map<number, number>();
  const sections = [markSuspiciousLines(programText(input.program), ranks)];
  for (const facts of shown) {
    const view = buildTraceView(facts.trace, input.program, resolved, clip);
    const steps = view.items.map((item) =>
      item.kind === "entry"
        ? indentation(item.entry.depth) + style.entry(item.entry, resolved, clip)
        : indentation(gapDepth(item.gap)) + style.gap(item.gap),
    );
    sections.push([...style.header(facts), ...steps, ...style.footer(facts)].join("\n"));
  }
  if (omitted > 0) sections.push(style.omitted(omittedTestsNote(omitted)));
  return { text: joinSections(sections), clipped: clip };
}
