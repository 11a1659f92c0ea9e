/** The shared CLI helpers, and every numeric option of every command refusing a bad value. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Command, InvalidArgumentError } from "commander";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { registerRenderCommand } from "../../src/cli/render.js";
import { registerTraceCommand } from "../../src/cli/trace.js";
import { createProgram, main } from "../../src/cli/main.js";
import { choiceList, kList, nonNegativeInteger, positiveInteger, positiveNumber } from "../../src/cli/options.js";
import { runCommand } from "./in-process.js";

const folder = mkdtempSync(join(tmpdir(), "semtrace-options-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));
afterEach(() => {
  process.exitCode = undefined;
});

/** `semtrace <args>` through the real entry point, in-process: stderr and the exit code. */
async function semtrace(args: string[]): Promise<{ stderr: string; exitCode: number }> {
  let stderr = "";
  const out = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
  const err = vi.spyOn(process.stderr, "write").mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  try {
    await main(["node", "semtrace", ...args]);
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  return { stderr, exitCode: Number(process.exitCode ?? 0) };
}

const RUNTIME = ["--timeout-ms", "--max-steps", "--max-value-chars", "--memory-mb"];
const EVALUATION = ["--timeout-factor", "--min-timeout-ms"];

/** Every numeric option, by command. */
const NUMERIC_OPTIONS: Record<string, string[]> = {
  trace: RUNTIME,
  render: ["--budget", "--value-width", "--loop-head", "--loop-tail", "--max-tests", "--max-depth", "--max-blocks", ...RUNTIME],
  eval: ["--k", ...EVALUATION, ...RUNTIME],
  "pairs mine": [...EVALUATION, ...RUNTIME],
  "pairs inject": ["--max-per-problem", "--seed", ...EVALUATION, ...RUNTIME],
  report: ["--k"],
  "reason build": ["--per-program", "--seed", ...RUNTIME],
  "reason score": ["--seed", ...RUNTIME],
  localize: RUNTIME,
  serve: ["--port", "--concurrency", "--queue", "--body-limit", ...RUNTIME],
  worker: ["--concurrency", "--memory-mb", "--lock-duration-ms", "--stalled-interval-ms"],
};

/** Options that take a count, a size or a factor, found by their value's placeholder or their numeric default. */
function numericOptionsOf(program: Command): Record<string, string[]> {
  const found: Record<string, string[]> = {};
  const visit = (command: Command, path: string[]) => {
    const numeric = command.options.filter((option) => {
      const value: unknown = option.defaultValue;
      return (
        /<(n|x|tokens|chars|bytes)>/.test(option.flags) ||
        typeof value === "number" ||
        (Array.isArray(value) && value.every((item) => typeof item === "number"))
      );
    });
    if (numeric.length > 0) found[path.join(" ")] = numeric.map((option) => option.long ?? option.flags);
    for (const sub of command.commands) visit(sub, [...path, sub.name()]);
  };
  for (const command of program.commands) visit(command, [command.name()]);
  return found;
}

describe("numeric options", () => {
  it("the table lists every numeric option of every command", async () => {
    const found = numericOptionsOf(await createProgram());
    const sorted = (table: Record<string, string[]>) =>
      Object.fromEntries(
        Object.entries(table)
          .map(([command, options]) => [command, [...options].sort()])
          .sort(),
      );
    expect(sorted(found)).toEqual(sorted(NUMERIC_OPTIONS));
  });

  const cases = Object.entries(NUMERIC_OPTIONS).flatMap(([command, options]) => options.map((option) => [command, option] as const));
  it.each(cases)("%s %s refuses a value that is not a number: exit 2, naming the option", async (command, option) => {
    const { stderr, exitCode } = await semtrace([...command.split(" "), option, "x"]);
    expect(exitCode).toBe(2);
    expect(stderr).toContain(`option '${option} <`);
    expect(stderr).toContain("expected");
  });
});

describe("option parsers", () => {
  it("accept what they promise and refuse the rest", () => {
    expect(nonNegativeInteger("0")).toBe(0);
    expect(positiveInteger("12")).toBe(12);
    expect(positiveNumber("0.5")).toBe(0.5);
    expect(kList("1, 10,100")).toEqual([1, 10, 100]);
    expect(choiceList(["a", "b"] as const)("b,a")).toEqual(["b", "a"]);
    for (const bad of ["", " ", "-1", "1.5", "x", "NaN"]) expect(() => nonNegativeInteger(bad)).toThrow(InvalidArgumentError);
    for (const bad of ["0", "1e400", "Infinity", "-2"]) expect(() => positiveNumber(bad)).toThrow(InvalidArgumentError);
    expect(() => positiveInteger("0")).toThrow(InvalidArgumentError);
    for (const bad of ["", "1,,0", "1,x", "2.5"]) expect(() => kList(bad)).toThrow(InvalidArgumentError);
    expect(() => choiceList(["a", "b"] as const)("a,c")).toThrow(InvalidArgumentError);
  });
});

describe("files a user names", () => {
  it("a missing program or standard-input file is a usage error (exit 2) under trace and render alike", async () => {
    const missing = join(folder, "missing.py");
    const present = join(folder, "present.py");
    writeFileSync(present, "print(input())\n");
    for (const register of [registerTraceCommand, registerRenderCommand]) {
      const name = register === registerTraceCommand ? "trace" : "render";
      const program = await runCommand(register, [name, missing, "--call", "f()"]);
      expect(program).toMatchObject({ exitCode: 2, stderr: expect.stringContaining(`✖ cannot read program ${missing}`) });
      process.exitCode = undefined;
      const stdin = await runCommand(register, [name, present, "--stdin", `@${join(folder, "absent.txt")}`]);
      expect(stdin).toMatchObject({ exitCode: 2, stderr: expect.stringContaining(`✖ cannot read standard input ${join(folder, "absent.txt")}`) });
      process.exitCode = undefined;
    }
  });
});
