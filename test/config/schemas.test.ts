import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { publishedSchemas, renderSchema } from "../../scripts/schemas.js";

describe("published JSON Schemas", () => {
  for (const [name, schema] of Object.entries(publishedSchemas())) {
    it(`schemas/${name} is current (regenerate with npm run schemas)`, () => {
      const committed = readFileSync(join(import.meta.dirname, "../../schemas", name), "utf8");
      expect(committed).toBe(renderSchema(schema));
    });
  }

  it("the trace schema is versioned, and still reads version 1", () => {
    const trace = publishedSchemas()["trace.schema.json"] as { properties: { schemaVersion: { enum: string[] } } };
    expect(trace.properties.schemaVersion.enum).toEqual(["semtrace.trace/1", "semtrace.trace/2"]);
  });
});
