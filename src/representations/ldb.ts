/**
 * `ldb`: LDB's block-level debugging view. The executed path is cut into basic blocks (runs
 * of lines in one frame that follow each other without a jump), and each block shows its
 * source lines between the frame's variables before and after it. A path with more than
 * `maxBlocks` blocks keeps the first and last ones and says how many were hidden.
 *
 * Source: Zhong et al. 2024, "Debug like a Human: A Large Language Model Debugger via
 * Verifying Runtime Execution Step by Step" (Findings of ACL 2024; FloridSleeves/LLMDebugger,
 * programming/tracing/tracer.py).
 *
 * Deliberate differences: blocks come from the trace alone (a jump, a nested call or an
 * exception ends a block) instead of a static control-flow graph, so a block is what actually
 * ran; every executed block is listed in order, with nested calls indented by depth (LDB
 * traces the entry function only); values are shortened with a visible marker (LDB cut the
 * joined state string at 100 characters silently); the test facts match `tests`.
 */
import type { VariableChange } from "../core/trace.js";
import { continuesBlock } from "../trace/blocks.js";
import { fallThroughLines, splitSourceLines } from "../trace/source.js";
import type { ClipReport } from "./clip.js";
import { EXCEPTION_NAME, RETURN_NAME, gapDepth, indentation, programText } from "./entries.js";
import type { RenderOptions, ResolvedRenderOptions } from "./options.js";
import type { Representation } from "./representation.js";
import { factLines, renderPerTest, type TestFacts } from "./test-facts.js";
import { formatError, formatValue } from "./values.js";
import { buildTraceView, describeGap, plural, type Gap, type StepEntry, type ViewItem } from "./view.js";

const defaults: RenderOptions = { showUnchanged: true };

export const ldbRepresentation: Representation = {
  name: "ldb",
  description: "LDB blocks: executed basic blocks with the variables before and after each (Zhong et al. 2024)",
  usesTrace: true,
  defaults,
  render(input, options) {
    return renderPerTest(input, options, defaults, {
      program: programText(input.program),
      test: (facts, resolved, clip) => renderTest(input.program, facts, resolved, clip),
    });
  },
};

type Unit =
  /** `number` counts every executed block, hidden ones included. */
  | { kind: "block"; number: number; entries: StepEntry[] }
  | { kind: "entry"; entry: StepEntry }
  | { kind: "gap"; gap: Gap }
  | { kind: "hidden-blocks"; blocks: number; steps: number };

function renderTest(program: string, facts: TestFacts, options: ResolvedRenderOptions, clip: ClipReport): string {
  const view = buildTraceView(facts.trace, program, options, clip);
  const units = clipBlocks(toUnits(view.items, fallThroughLines(program)), options.maxBlocks, clip);
  const source = splitSourceLines(programText(program));
  const body = units.flatMap((unit): string[] => {
    if (unit.kind === "gap") return [indentation(gapDepth(unit.gap)) + `... ${describeGap(unit.gap)}`];
    if (unit.kind === "entry") return [indentation(unit.entry.depth) + frameEvent(unit.entry, options, clip)];
    if (unit.kind === "hidden-blocks") {
      return [`... ${plural(unit.blocks, "block")} not shown (${plural(unit.steps, "step")})`];
    }
    return renderBlock(unit.entries, unit.number, source, options, clip);
  });
  return [...factLines(facts), ...body].join("\n");
}

/** Groups consecutive line entries into blocks; calls, returns, exceptions and gaps stand alone. */
function toUnits(items: readonly ViewItem[], fallThrough: ReadonlyMap<number, number>): Unit[] {
  const units: Unit[] = [];
  let block: StepEntry[] | undefined;
  let blocks = 0;
  for (const item of items) {
    if (item.kind === "gap") {
      units.push({ kind: "gap", gap: item.gap });
      block = undefined;
      continue;
    }
    const entry = item.entry;
    if (entry.kind !== "line") {
      units.push({ kind: "entry", entry });
      block = undefined;
      continue;
    }
    const last = block?.at(-1);
    const continues =
      last !== undefined &&
      last.depth === entry.depth &&
      last.function === entry.function &&
      last.raised === undefined &&
      last.returned === undefined &&
      continuesBlock(fallThrough, last.line, entry.line);
    if (continues) {
      block!.push(entry);
      continue;
    }
    block = [entry];
    blocks += 1;
    units.push({ kind: "block", number: blocks, entries: block });
  }
  return units;
}

/** Keeps the first ceil(max/2) and last floor(max/2) blocks, replacing what lies between. */
function clipBlocks(units: Unit[], maxBlocks: number, clip: ClipReport): Unit[] {
  const blocks = units.flatMap((unit, position) => (unit.kind === "block" ? [{ position, start: unit.entries[0]!.eventIndex }] : []));
  if (blocks.length <= maxBlocks) return units;
  const from = blocks[Math.ceil(maxBlocks / 2)]!;
  const to = blocks[blocks.length - Math.floor(maxBlocks / 2)]!;
  const hidden = blocks.length - maxBlocks;
  clip.blocksHidden += hidden;
  const marker: Unit = { kind: "hidden-blocks", blocks: hidden, steps: to.start - from.start };
  return [...units.slice(0, from.position), marker, ...units.slice(to.position)];
}

function renderBlock(entries: StepEntry[], number: number, source: readonly string[], options: ResolvedRenderOptions, clip: ClipReport): string[] {
  const first = entries[0]!;
  const last = entries.at(-1)!;
  const pad = indentation(first.depth);
  const range = first.line === last.line ? `line ${first.line}` : `lines ${first.line}-${last.line}`;
  const shownNames = options.showUnchanged ? undefined : changedNames(entries);
  const before = selectVariables(first.before, shownNames, clip);
  const after = selectVariables(last.state, shownNames, clip);
  const afterPairs = after.map((variable) => `${variable.name}=${formatValue(variable, options.valueWidth, clip)}`);
  if (last.raised !== undefined) afterPairs.push(`${EXCEPTION_NAME}=${formatError(last.raised, options.valueWidth, clip)}`);
  if (last.returned !== undefined) afterPairs.push(`${RETURN_NAME}=${formatValue(last.returned, options.valueWidth, clip)}`);
  const beforePairs = before.map((variable) => `${variable.name}=${formatValue(variable, options.valueWidth, clip)}`);
  return [
    `${pad}[BLOCK-${number}] ${first.function}, ${range}`,
    `${pad}# before: ${beforePairs.join("; ")}`.trimEnd(),
    ...entries.map((entry) => pad + (source[entry.line - 1] ?? `<line ${entry.line}>`).trimEnd()),
    `${pad}# after: ${afterPairs.join("; ")}`.trimEnd(),
  ];
}

function changedNames(entries: readonly StepEntry[]): Set<string> {
  return new Set(entries.flatMap((entry) => entry.changes.map((change) => change.name)));
}

function selectVariables(state: readonly VariableChange[], names: Set<string> | undefined, clip: ClipReport): readonly VariableChange[] {
  if (names === undefined) return state;
  const kept = state.filter((variable) => names.has(variable.name));
  clip.unchangedVariablesDropped += state.length - kept.length;
  return kept;
}

function frameEvent(entry: StepEntry, options: ResolvedRenderOptions, clip: ClipReport): string {
  const width = options.valueWidth;
  if (entry.kind === "call") {
    const args = entry.changes.map((variable) => `${variable.name}=${formatValue(variable, width, clip)}`);
    return `[CALL] ${entry.function}(${args.join(", ")})`;
  }
  if (entry.raised !== undefined) return `[EXCEPTION] ${entry.function}, line ${entry.line}: ${formatError(entry.raised, width, clip)}`;
  const value = entry.returned === undefined ? "None" : formatValue(entry.returned, width, clip);
  return `[RETURN] ${entry.function}, line ${entry.line}: ${value}`;
}
