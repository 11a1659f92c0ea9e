/**
 * Sequence formats (CodeExecutor, Concise, SemCoder): the program once, then per test a
 * header, one line per entry in execution order (indented two spaces per call depth), one
 * line per gap saying what it hides, and a footer with the result. With `suspiciousness`, the
 * program's top SBFL lines end with `# suspicious #rank`.
 */
import type { ClipReport } from "./clip.js";
import { gapDepth, indentation, programText } from "./entries.js";
import { resolveRenderOptions, type RenderOptions, type ResolvedRenderOptions } from "./options.js";
import type { RenderInput, Rendering } from "./representation.js";
import { markSuspiciousLines, suspiciousRanks } from "./sbfl.js";
import { renderPerTest, type TestFacts } from "./test-facts.js";
import { buildTraceView, type Gap, type StepEntry } from "./view.js";

export interface SequenceStyle {
  header(facts: TestFacts): string[];
  entry(entry: StepEntry, options: ResolvedRenderOptions, clip: ClipReport): string;
  gap(gap: Gap): string;
  footer(facts: TestFacts): string[];
  /** The closing line when tests were left out. */
  omitted(note: string): string;
}

export function renderSequence(input: RenderInput, options: RenderOptions | undefined, defaults: RenderOptions, style: SequenceStyle): Rendering {
  const ranks = resolveRenderOptions(options, defaults).suspiciousness ? suspiciousRanks(input) : new Map<number, number>();
  return renderPerTest(input, options, defaults, {
    program: markSuspiciousLines(programText(input.program), ranks),
    test(facts, resolved, clip) {
      const view = buildTraceView(facts.trace, input.program, resolved, clip);
      const steps = view.items.map((item) =>
        item.kind === "entry" ? indentation(item.entry.depth) + style.entry(item.entry, resolved, clip) : indentation(gapDepth(item.gap)) + style.gap(item.gap),
      );
      return [...style.header(facts), ...steps, ...style.footer(facts)].join("\n");
    },
    omitted: (note) => style.omitted(note),
  });
}
