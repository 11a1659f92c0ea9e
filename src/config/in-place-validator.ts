import { Ajv2020 } from "ajv/dist/2020.js";
import { z } from "zod";

/**
 * A validator for large inputs on a hot path (traces coming out of the sandbox): the zod
 * schema's own JSON Schema, compiled by Ajv, checks a value in place and returns it. zod's parse
 * builds a copy of every object, which for traces of thousands of events cost as much as
 * parsing the JSON and doubled the garbage. Same rules: strict objects refuse unknown keys.
 */
export function inPlaceValidator<Schema extends z.ZodType>(schema: Schema, what: string): (value: unknown) => z.output<Schema> {
  const ajv = new Ajv2020({ allErrors: false });
  // Compiled on first use, so that importing a module that declares one costs no start-up time.
  let validate: ReturnType<typeof ajv.compile> | undefined;
  return (value) => {
    validate ??= ajv.compile(z.toJSONSchema(schema, { io: "output" }));
    if (!validate(value)) throw new Error(`${what} does not match its schema: ${ajv.errorsText(validate.errors)}`);
    return value as z.output<Schema>;
  };
}
