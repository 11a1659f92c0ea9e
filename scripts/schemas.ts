import { z } from "zod";
import { TraceSchema } from "../src/config/trace-schema.js";
import { genericProblemJsonSchema } from "../src/datasets/index.js";
import { experimentSpecJsonSchema } from "../src/experiments/index.js";
import { sftBuildConfigJsonSchema } from "../src/export/build/sft-config.js";
import { createExportJsonSchemas } from "../src/export/json-schemas.js";
import { openApiDocument } from "../src/server/openapi.js";

/** Every published JSON Schema, by file name under schemas/; generated from the zod schemas. */
export function publishedSchemas(): Record<string, unknown> {
  return {
    "trace.schema.json": z.toJSONSchema(TraceSchema, { target: "draft-2020-12" }),
    "generic-problem.schema.json": genericProblemJsonSchema(),
    "experiment.schema.json": experimentSpecJsonSchema(),
    "sft-config.schema.json": sftBuildConfigJsonSchema(),
    ...createExportJsonSchemas(),
    "openapi.json": openApiDocument(),
  };
}

export function renderSchema(schema: unknown): string {
  return JSON.stringify(schema, null, 2) + "\n";
}
