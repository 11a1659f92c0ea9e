/**
 * `tests`: the program plus each failing test's input, expected output and actual output
 * or exception, and no trace. It carries exactly the test facts the trace formats carry
 * (same tests, same value formatting), so a difference against it measures the trace alone.
 *
 * Source: the test-feedback baseline of Wang et al. 2025, "Do Code Semantics Help?" (arXiv
 * 2509.11686) and of self-debugging work (Chen et al. 2023, "Teaching Large Language Models
 * to Self-Debug"). Deliberate differences: expected outputs are shown exactly as given
 * (list brackets kept); tests beyond `maxTests` are counted in a closing note.
 */
import { programText } from "./entries.js";
import type { RenderOptions } from "./options.js";
import type { Representation } from "./representation.js";
import { renderProgramAndTestFacts } from "./test-facts.js";

const defaults: RenderOptions = {};

export const testsRepresentation: Representation = {
  name: "tests",
  description: "The program and the failing tests' inputs, expected and actual outputs; no trace",
  usesTrace: false,
  defaults,
  render(input, options) {
    return renderProgramAndTestFacts(programText(input.program), input, options, defaults);
  },
};
