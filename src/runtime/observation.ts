/**
 * Reading what the harness reports about a test: checked against the protocol's schema, then
 * turned into host values (restricted data becomes PyValue). Nothing here believes the
 * sandbox: a report that does not match is a protocol violation, not a result.
 */
import { inPlaceValidator } from "../config/in-place-validator.js";
import { ObservationSchema, type Observation, type WireOutcome, type WireValue } from "../config/sandbox-protocol.js";
import type { PyValue } from "../core/python-value.js";
import type { CallOutcome, TestRun } from "./runtime.js";

const validateObservation = inPlaceValidator(ObservationSchema, "a test observation from the sandbox");

/** The observation in a result message, or an Error saying why it is not one. */
export function readObservation(result: unknown): Observation | Error {
  try {
    return validateObservation(result);
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

/** A test's run from its observation; `interruptedByHost` is the host's own record of a deadline it enforced. */
export function testRunOf(id: string, observation: Observation, interruptedByHost: boolean): TestRun {
  const outcomes = observation.outcomes.map(callOutcomeOf);
  // A program that catches the watchdog's interrupt and returns anyway still ran out of time.
  const timedOut = interruptedByHost || observation.outcomes.some((outcome) => outcome.outcome === "raised" && outcome.interrupted);
  return {
    id,
    durationMs: observation.durationMs,
    outcomes,
    ...(observation.stdout === undefined ? {} : { stdout: observation.stdout }),
    ...(observation.stdoutTruncated ? { stdoutTruncated: true } : {}),
    ...(timedOut ? { stopped: { kind: "timeout" as const } } : {}),
  };
}

function callOutcomeOf(outcome: WireOutcome): CallOutcome {
  if (outcome.outcome === "raised") return { outcome: "raised", error: outcome.error };
  return { outcome: "returned", value: pyValueOf(outcome.value), display: outcome.display };
}

const SPECIAL_FLOATS = { nan: Number.NaN, inf: Number.POSITIVE_INFINITY, "-inf": Number.NEGATIVE_INFINITY } as const;

function floatOf(wire: number | keyof typeof SPECIAL_FLOATS): number {
  return typeof wire === "number" ? wire : SPECIAL_FLOATS[wire];
}

/** Restricted data (already checked against WireValueSchema) as a host value. */
export function pyValueOf(wire: WireValue): PyValue {
  if (wire === null) return { type: "none" };
  if (typeof wire === "boolean") return { type: "bool", value: wire };
  if (typeof wire === "string") return { type: "str", value: wire };
  if (typeof wire === "number") return Number.isInteger(wire) ? { type: "int", value: BigInt(wire) } : { type: "float", value: wire };
  if (Array.isArray(wire)) return { type: "list", items: wire.map(pyValueOf) };
  if ("int" in wire) return { type: "int", value: wire.int.startsWith("-") ? -BigInt(`0x${wire.int.slice(1)}`) : BigInt(`0x${wire.int}`) };
  if ("float" in wire) return { type: "float", value: floatOf(wire.float) };
  if ("complex" in wire) return { type: "complex", real: floatOf(wire.complex[0]), imag: floatOf(wire.complex[1]) };
  if ("bytes" in wire) return { type: "bytes", value: new Uint8Array(Buffer.from(wire.bytes, "base64")) };
  if ("tuple" in wire) return { type: "tuple", items: wire.tuple.map(pyValueOf) };
  if ("set" in wire) return { type: "set", items: wire.set.map(pyValueOf) };
  if ("frozenset" in wire) return { type: "frozenset", items: wire.frozenset.map(pyValueOf) };
  if ("dict" in wire) {
    const entries = wire.dict.map(([key, item]): [PyValue, PyValue] => [pyValueOf(key), pyValueOf(item)]);
    return wire.class === undefined ? { type: "dict", entries } : { type: "dict", entries, className: wire.class };
  }
  return { type: "opaque", typeName: wire.opaque, repr: wire.repr };
}
