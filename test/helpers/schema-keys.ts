/** Which fields a record holds against which its schema declares: a store that drops a field fails a round trip of a record holding them all. */
import type { z } from "zod";

/** Every object key a schema declares, as dotted paths, through optionals, arrays and unions. */
export function declaredKeys(schema: z.core.$ZodType, prefix = ""): string[] {
  const def = schema._zod.def;
  if (def.type === "optional" || def.type === "nullable") return declaredKeys((def as z.core.$ZodOptionalDef).innerType, prefix);
  if (def.type === "array") return declaredKeys((def as z.core.$ZodArrayDef).element, `${prefix}[]`);
  if (def.type === "union") return (def as z.core.$ZodUnionDef).options.flatMap((option) => declaredKeys(option, prefix));
  if (def.type !== "object") return [];
  return Object.entries((def as z.core.$ZodObjectDef).shape).flatMap(([key, value]) => [`${prefix}${key}`, ...declaredKeys(value, `${prefix}${key}.`)]);
}

/** Every object key a value holds, in the same notation. */
export function heldKeys(value: unknown, prefix = ""): string[] {
  if (Array.isArray(value)) return value.flatMap((item) => heldKeys(item, `${prefix}[]`));
  if (typeof value !== "object" || value === null) return [];
  return Object.entries(value).flatMap(([key, item]) => [`${prefix}${key}`, ...heldKeys(item, `${prefix}${key}.`)]);
}
