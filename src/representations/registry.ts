/** The representations by name, in a fixed order, and `render` by name. */
import { ConfigError } from "../core/errors.js";
import { codeExecutorRepresentation } from "./codeexecutor.js";
import { conciseRepresentation } from "./concise.js";
import { divergenceRepresentation } from "./divergence.js";
import { ldbRepresentation } from "./ldb.js";
import { nextRepresentation } from "./next.js";
import { noneRepresentation } from "./none.js";
import type { RenderOptions } from "./options.js";
import {
  REPRESENTATION_NAMES,
  type RenderInput,
  type Rendering,
  type Representation,
  type RepresentationName,
} from "./representation.js";
import { sbflRepresentation } from "./sbfl.js";
import { scratchpadRepresentation } from "./scratchpad.js";
import { semcoderRepresentation } from "./semcoder.js";
import { testsRepresentation } from "./tests.js";

const REPRESENTATIONS: Record<RepresentationName, Representation> = {
  none: noneRepresentation,
  tests: testsRepresentation,
  next: nextRepresentation,
  codeexecutor: codeExecutorRepresentation,
  concise: conciseRepresentation,
  semcoder: semcoderRepresentation,
  scratchpad: scratchpadRepresentation,
  ldb: ldbRepresentation,
  sbfl: sbflRepresentation,
  divergence: divergenceRepresentation,
};

export function isRepresentationName(name: string): name is RepresentationName {
  return (REPRESENTATION_NAMES as readonly string[]).includes(name);
}

/** The representation called `name`; a ConfigError names the valid ones otherwise. */
export function getRepresentation(name: string): Representation {
  if (!isRepresentationName(name)) {
    throw new ConfigError(`unknown representation "${name}"; expected one of: ${REPRESENTATION_NAMES.join(", ")}`);
  }
  return REPRESENTATIONS[name];
}

/** Every representation, in the order of REPRESENTATION_NAMES. */
export function listRepresentations(): Representation[] {
  return REPRESENTATION_NAMES.map((name) => REPRESENTATIONS[name]);
}

export function render(name: string, input: RenderInput, options?: RenderOptions): Rendering {
  return getRepresentation(name).render(input, options);
}
