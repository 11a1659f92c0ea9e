/**
 * Python's plain data as the host holds it (see core/python-value.ts): what a sandboxed
 * program's results become once their wire form is checked, and what benchmark inputs parse to.
 */
import { z } from "zod";

/** The `collections` dict subclasses that keep their class: `==` treats them as dicts, with their own rules. */
export const DictClassSchema = z.enum(["Counter", "OrderedDict", "defaultdict"]);

const itemsOf = () => z.array(PyValueSchema);

/** Any double, NaN and the infinities included (z.number() refuses them), as a Python float may be. */
const pythonFloat = z.custom<number>((value) => typeof value === "number", "expected a number");

export const PyValueSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("none") }),
  z.strictObject({ type: z.literal("bool"), value: z.boolean() }),
  z.strictObject({ type: z.literal("int"), value: z.bigint() }),
  z.strictObject({ type: z.literal("float"), value: pythonFloat }),
  z.strictObject({ type: z.literal("complex"), real: pythonFloat, imag: pythonFloat }),
  z.strictObject({ type: z.literal("str"), value: z.string() }),
  z.strictObject({ type: z.literal("bytes"), value: z.instanceof(Uint8Array) }),
  z.strictObject({
    type: z.literal("list"),
    get items(): z.ZodArray<typeof PyValueSchema> {
      return itemsOf();
    },
  }),
  z.strictObject({
    type: z.literal("tuple"),
    get items(): z.ZodArray<typeof PyValueSchema> {
      return itemsOf();
    },
  }),
  z.strictObject({
    type: z.literal("set"),
    get items(): z.ZodArray<typeof PyValueSchema> {
      return itemsOf();
    },
  }),
  z.strictObject({
    type: z.literal("frozenset"),
    get items(): z.ZodArray<typeof PyValueSchema> {
      return itemsOf();
    },
  }),
  z.strictObject({
    type: z.literal("dict"),
    get entries(): z.ZodArray<z.ZodTuple<[typeof PyValueSchema, typeof PyValueSchema], null>> {
      return z.array(z.tuple([PyValueSchema, PyValueSchema]));
    },
    className: DictClassSchema.optional(),
  }),
  z.strictObject({ type: z.literal("opaque"), typeName: z.string(), repr: z.string() }),
]);

export type DictClass = z.infer<typeof DictClassSchema>;
export type PyValue = z.infer<typeof PyValueSchema>;
