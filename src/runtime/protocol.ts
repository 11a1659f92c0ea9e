/**
 * The host's side of src/runtime/python/semtrace_protocol.json, the one definition of a job's
 * phases and of the phase board both runtimes share with the harness.
 */
import { readFileSync } from "node:fs";
import { z } from "zod";

const ProtocolSchema = z.strictObject({
  $comment: z.string(),
  phases: z.strictObject({ load: z.number().int(), prepareBase: z.number().int().positive() }),
  board: z.strictObject({
    bytes: z.number().int().positive(),
    sequence: z.number().int(),
    phase: z.number().int(),
    startedAtMs: z.number().int(),
    interrupted: z.number().int(),
    stop: z.number().int(),
    none: z.string().regex(/^-?\d+$/),
  }),
});

const protocol = ProtocolSchema.parse(JSON.parse(readFileSync(new URL("./python/semtrace_protocol.json", import.meta.url), "utf8")));

export const LOAD_PHASE = protocol.phases.load;
export const BOARD_LAYOUT = protocol.board;
/** The board's "no phase" value, as a 64-bit integer. */
export const NO_PHASE = BigInt(protocol.board.none);

/** Test or traced input `index` runs in phase `index`. */
export function callPhase(index: number): number {
  return index;
}

/** The phase that prepares test `index` and reports test `index - 1`. */
export function preparePhase(index: number): number {
  return -(index + protocol.phases.prepareBase);
}

/** The test whose preparation phase this is, or undefined for a call or the load phase. */
export function preparedTest(phase: number): number | undefined {
  return phase <= preparePhase(0) ? -phase - protocol.phases.prepareBase : undefined;
}
