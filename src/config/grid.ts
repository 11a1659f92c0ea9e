import { z } from "zod";

/** A grid axis of a spec: one value or a list of values, always a list once parsed. */
export function grid<T extends z.ZodType>(item: T) {
  return z.union([item, z.array(item).min(1)]).transform((value): z.output<T>[] => (Array.isArray(value) ? value : [value]));
}

export const positiveInt = z.int().positive();
export const temperature = z.number().min(0).max(2);
