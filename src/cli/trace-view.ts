import type { Trace, TraceEvent } from "../core/trace.js";

/** A readable, line-per-event view of a trace for terminals. */
export function formatTrace(trace: Trace): string {
  const input = trace.input.kind === "call" ? trace.input.call : `stdin (${trace.input.stdin.length} chars)`;
  const lines = [`${input}  [${trace.runtime.name} ${trace.runtime.python}]`];
  for (const event of trace.events) lines.push(formatEvent(event));
  if (trace.totalSteps > trace.events.length) lines.push(`  … ${trace.totalSteps - trace.events.length} more steps not recorded`);
  lines.push(`outcome: ${formatOutcome(trace)}`);
  if (trace.stdout) lines.push(`stdout: ${JSON.stringify(trace.stdout)}${trace.stdoutTruncated ? " (truncated)" : ""}`);
  if (trace.stderr) lines.push(`stderr: ${JSON.stringify(trace.stderr)}${trace.stderrTruncated ? " (truncated)" : ""}`);
  return lines.join("\n");
}

function formatEvent(event: TraceEvent): string {
  const indent = "  ".repeat(event.depth + 1);
  const where = `${String(event.step).padStart(4)} L${String(event.line).padEnd(4)}`;
  const changes = (event.changes ?? []).map((change) => `${change.name}=${change.repr}`).join(", ");
  switch (event.kind) {
    case "call":
      return `${where}${indent}→ ${event.function}(${changes})`;
    case "return":
      return event.value ? `${where}${indent}← ${event.function} returns ${event.value.repr}` : `${where}${indent}← ${event.function} exits by exception`;
    case "exception":
      return `${where}${indent}! ${event.error?.type}: ${event.error?.message}`;
    default:
      return `${where}${indent}${changes}`;
  }
}

export function formatOutcome(trace: Trace): string {
  const { outcome } = trace;
  const parts: string[] = [outcome.kind];
  if (outcome.value) parts.push(outcome.value.repr);
  if (outcome.error) parts.push(`${outcome.error.type}: ${outcome.error.message}${outcome.error.line ? ` (line ${outcome.error.line})` : ""}`);
  if (outcome.detail) parts.push(`— ${outcome.detail}`);
  return parts.join(" ");
}
