import { describe, expect, it } from "vitest";
import { z } from "zod";
import { inPlaceValidator } from "../../src/config/in-place-validator.js";
import { TraceEventSchema } from "../../src/config/trace-schema.js";

const validateEvents = inPlaceValidator(z.array(TraceEventSchema), "events");
const event = { step: 0, kind: "line", line: 3, function: "f", depth: 0, changes: [{ name: "x", repr: "1", type: "int" }] };

describe("inPlaceValidator", () => {
  it("returns the very value it checked", () => {
    const events = [event, { ...event, step: 1, kind: "return", value: { repr: "1", type: "int" } }];
    expect(validateEvents(events)).toBe(events);
  });

  it("refuses what the zod schema refuses, as zod does", () => {
    const cases: unknown[] = [
      [{ ...event, kind: "jump" }],
      [{ ...event, step: -1 }],
      [{ ...event, line: 2.5 }],
      [{ ...event, extra: true }],
      [{ ...event, changes: [{ name: "x", repr: 1, type: "int" }] }],
      { 0: event },
    ];
    for (const value of cases) {
      expect(z.array(TraceEventSchema).safeParse(value).success).toBe(false);
      expect(() => validateEvents(value)).toThrow(/events does not match its schema/);
    }
  });
});
