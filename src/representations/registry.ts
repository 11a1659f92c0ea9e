/** The representations by name, in a fixed order, and `render` by name. */
import { createRegistry } from "../core/registry.js";
import { codeExecutorRepresentation } from "./codeexecutor.js";
import { conciseRepresentation } from "./concise.js";
import { divergenceRepresentation } from "./divergence.js";
import { ldbRepresentation } from "./ldb.js";
import { nextRepresentation } from "./next.js";
import { noneRepresentation } from "./none.js";
import type { RenderOptions } from "./options.js";
import type { RenderInput, Rendering, Representation } from "./representation.js";
import { sbflRepresentation } from "./sbfl.js";
import { scratchpadRepresentation } from "./scratchpad.js";
import { semcoderRepresentation } from "./semcoder.js";
import { sliceRepresentation } from "./slice.js";
import { testsRepresentation } from "./tests.js";

/** The representation registry: the built-ins in the order of REPRESENTATION_NAMES, then any a user registers. */
export const representations = createRegistry<Representation>({
  kind: "representation",
  entries: [
    noneRepresentation,
    testsRepresentation,
    nextRepresentation,
    codeExecutorRepresentation,
    conciseRepresentation,
    semcoderRepresentation,
    scratchpadRepresentation,
    ldbRepresentation,
    sbflRepresentation,
    sliceRepresentation,
    divergenceRepresentation,
  ],
});

export function isRepresentationName(name: string): boolean {
  return representations.has(name);
}

export function getRepresentation(name: string): Representation {
  return representations.get(name);
}

export function listRepresentations(): Representation[] {
  return representations.list();
}

export function render(name: string, input: RenderInput, options?: RenderOptions): Rendering {
  return getRepresentation(name).render(input, options);
}
