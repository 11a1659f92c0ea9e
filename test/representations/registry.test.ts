import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/core/errors.js";
import { DEFAULT_RENDER_OPTIONS, resolveRenderOptions } from "../../src/representations/options.js";
import { REPRESENTATION_NAMES } from "../../src/representations/representation.js";
import { getRepresentation, isRepresentationName, listRepresentations, render } from "../../src/representations/registry.js";
import { SUM_PROGRAM, sumTrace } from "../trace/trace-builder.js";

describe("registry", () => {
  it("lists every representation once, in the documented order", () => {
    expect(listRepresentations().map((r) => r.name)).toEqual([...REPRESENTATION_NAMES]);
    expect(REPRESENTATION_NAMES).toEqual(["none", "tests", "next", "codeexecutor", "concise", "semcoder", "scratchpad", "ldb", "sbfl", "slice", "divergence"]);
    expect(
      listRepresentations()
        .filter((r) => !r.usesTrace)
        .map((r) => r.name),
    ).toEqual(["none", "tests"]);
  });

  it("rejects an unknown name with the valid ones", () => {
    expect(isRepresentationName("nexts")).toBe(false);
    expect(() => getRepresentation("nexts")).toThrow(ConfigError);
    expect(() => getRepresentation("nexts")).toThrow(/none, tests, next/);
  });

  it("renders by name", () => {
    const input = { program: SUM_PROGRAM, tests: [{ trace: sumTrace([1]) }] };
    expect(render("concise", input)).toEqual(getRepresentation("concise").render(input));
  });
});

describe("render options", () => {
  it("layers explicit options over format defaults over shared defaults", () => {
    expect(resolveRenderOptions()).toEqual(DEFAULT_RENDER_OPTIONS);
    expect(resolveRenderOptions({}, { showUnchanged: true }).showUnchanged).toBe(true);
    expect(resolveRenderOptions({ showUnchanged: false }, { showUnchanged: true }).showUnchanged).toBe(false);
  });

  it("rejects invalid options with the path of each issue", () => {
    const attempt = () => resolveRenderOptions({ valueWidth: 5, loopHead: 0, loopTail: 0 });
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (error) {
      expect((error as ConfigError).issues.map((issue) => issue.path).sort()).toEqual(["loopTail", "valueWidth"]);
    }
    expect(() => resolveRenderOptions({ loopHead: 0, loopTail: 0 })).toThrow(/loopHead \+ loopTail/);
    expect(() => resolveRenderOptions({ colour: true } as never)).toThrow(ConfigError);
  });
});
