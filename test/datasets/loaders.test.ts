import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, DataNotFoundError } from "../../src/core/errors.js";
import type { IoTest, Problem, TestCase } from "../../src/core/problem.js";
import { loadCandidatePool, listCandidateModels, poolTaskIdToPlus } from "../../src/datasets/candidates.js";
import { benchmarks, loadBenchmark } from "../../src/datasets/registry.js";
import { createFixtureDataDir, fixturesDir, isolatedOptions } from "./fixture-data.js";

let fixture: ReturnType<typeof createFixtureDataDir>;
let options: ReturnType<typeof isolatedOptions>;

beforeAll(() => {
  fixture = createFixtureDataDir();
  options = isolatedOptions(fixture.dataDir);
});
afterAll(() => fixture.remove());

const byId = (problems: Problem[], id: string) => problems.find((problem) => problem.id === id) as Problem;
const testById = (problem: Problem, id: string) => problem.tests.find((test) => test.id === id) as TestCase;
const ioArgs = (problem: Problem, group: "base" | "plus") =>
  problem.tests.filter((test): test is IoTest => test.kind === "io" && test.visibility === "hidden" && test.group === group).map((test) => test.args);

describe("humaneval", () => {
  it("reads the gzip file, with docstring examples public and check() hidden", async () => {
    const problems = await loadBenchmark("humaneval", options);
    expect(problems.map((problem) => problem.id)).toEqual(["HumanEval/0", "HumanEval/1"]);
    const add = byId(problems, "HumanEval/0");
    expect(add.source).toEqual({ dataset: "humaneval", version: "1.0" });
    expect(add.entryPoint).toBe("add");
    expect(add.reference).toBe(add.prompt + "    return a + b\n");
    expect(add.tests).toEqual([
      { kind: "io", id: "public-0", args: "2, 3", expected: "5", visibility: "public", group: "base" },
      { kind: "io", id: "public-1", args: "-1, 1", expected: "0", visibility: "public", group: "base" },
      expect.objectContaining({ kind: "assert", id: "check", visibility: "hidden", group: "base" }),
    ]);
    expect((testById(add, "check") as { code: string }).code).toMatch(/def check\(candidate\):[\s\S]*\ncheck\(add\)\n$/);
  });

  it("reads inline examples and skips the ones it cannot read", async () => {
    const shout = byId(await loadBenchmark("humaneval", options), "HumanEval/1");
    const examples = shout.tests.filter((test): test is IoTest => test.kind === "io").map((test) => [test.args, test.expected]);
    expect(examples).toEqual([
      ['"hi"', "'HI!'"],
      ["'a b'", "'A B!'"],
      [`"it's"`, `"IT'S!"`],
    ]);
  });
});

describe("humaneval+", () => {
  it("turns base and plus inputs into hidden io tests without expected values", async () => {
    const problems = await loadBenchmark("humaneval+", options);
    const add = byId(problems, "HumanEval/0");
    expect(add.source.version).toBe("v0.1.10");
    expect(ioArgs(add, "base")).toEqual(["2, 3", "12345678901234567890, 1"]);
    expect(ioArgs(add, "plus")).toEqual(["0, 1.0", "1e-05, 2.5e+16", "-9999999999999999999999999, 0"]);
    const hidden = add.tests.filter((test) => test.visibility === "hidden") as IoTest[];
    expect(hidden.every((test) => test.expected === undefined && test.atol === undefined)).toBe(true);
    expect(add.tests.filter((test) => test.visibility === "public")).toHaveLength(2);
  });

  it("writes strings and dicts as Python repr and carries atol", async () => {
    const shout = byId(await loadBenchmark("humaneval+", options), "HumanEval/1");
    expect(ioArgs(shout, "base")).toEqual(["'hi'", `"it's"`]);
    expect(ioArgs(shout, "plus")).toEqual([`'say "it\\'s"\\n\\té\\u2028\u{1F600}'`, "{'b': 1, '10': None, 'a': [True, False]}"]);
    expect(shout.tests.every((test) => test.kind === "io" && test.atol === 1e-6)).toBe(true);
  });
});

describe("mbpp", () => {
  it("exposes the paper's splits by task id", async () => {
    const ids = async (split?: string) => (await loadBenchmark("mbpp", { ...options, split })).map((problem) => problem.id);
    expect(await ids()).toEqual(["MBPP/5", "MBPP/20", "MBPP/550", "MBPP/700"]);
    expect(await ids("prompt")).toEqual(["MBPP/5"]);
    expect(await ids("test")).toEqual(["MBPP/20"]);
    expect(await ids("validation")).toEqual(["MBPP/550"]);
    expect(await ids("train")).toEqual(["MBPP/700"]);
    await expect(ids("dev")).rejects.toThrow(ConfigError);
  });

  it("makes the first assert public, every assert hidden, with the setup code prepended", async () => {
    const [smallest] = await loadBenchmark("mbpp", { ...options, split: "test" });
    expect(smallest?.entryPoint).toBe("smallest");
    expect(smallest?.reference).toBe("import math\ndef helper(x):\n    return x\ndef smallest(xs):\n    return min(xs)");
    expect(smallest?.tests.map((test) => [test.id, test.visibility])).toEqual([
      ["public-0", "public"],
      ["assert-0", "hidden"],
      ["assert-1", "hidden"],
      ["assert-2", "hidden"],
      ["challenge-0", "hidden"],
    ]);
    expect(smallest?.tests[0]).toMatchObject({ kind: "assert", code: "import math\nassert smallest([3, 1, 2]) == 1\n" });
  });

  it("reads the sanitized set with its test imports", async () => {
    const problems = await loadBenchmark("mbpp-sanitized", options);
    expect(problems.map((problem) => problem.id)).toEqual(["MBPP/20", "MBPP/700"]);
    expect(byId(problems, "MBPP/20").tests[2]).toMatchObject({ code: "import math\nassert smallest([math.pi, 3]) == 3\n" });
    expect(byId(problems, "MBPP/20").source.dataset).toBe("mbpp-sanitized");
  });
});

describe("mbpp+", () => {
  it("restores tuples, sets and complex numbers as EvalPlus does", async () => {
    const problems = await loadBenchmark("mbpp+", options);
    expect(problems.map((problem) => problem.id)).toEqual(["Mbpp/2", "Mbpp/9", "Mbpp/115", "Mbpp/124", "Mbpp/793"]);
    expect(ioArgs(byId(problems, "Mbpp/2"), "base")).toEqual(["(3, 4, 5, 6), (5, 7, 4, 10)"]);
    expect(ioArgs(byId(problems, "Mbpp/2"), "plus")).toEqual(["(), (1,)", "(1, [2, 3]), (4,)"]);
    expect(ioArgs(byId(problems, "Mbpp/9"), "plus")).toEqual(["[1, 2]"]);
    expect(ioArgs(byId(problems, "Mbpp/115"), "base")).toEqual(["[{}, {1, 2}, {}]"]);
    expect(ioArgs(byId(problems, "Mbpp/115"), "plus")).toEqual(["[{}, {}, {3, 1.0}]"]);
    expect(ioArgs(byId(problems, "Mbpp/124"), "base")).toEqual(["0.0, 1j", "2.0, complex(-0.0, -1.0)"]);
    expect(ioArgs(byId(problems, "Mbpp/124"), "plus")).toEqual(["1e-100, complex(0.0, -3.0)", "float('inf'), (1.5+2j)"]);
    expect(ioArgs(byId(problems, "Mbpp/793"), "plus")).toEqual([]);
  });

  it("makes the prompt's assert public, with the imports of the original assertions", async () => {
    const angle = byId(await loadBenchmark("mbpp+", options), "Mbpp/124");
    expect(angle.tests[0]).toEqual({
      kind: "assert",
      id: "prompt-0",
      code: "import math\nassert math.isclose(angle_complex(0,1j), 1.5707963267948966, rel_tol=0.001)\n",
      visibility: "public",
      group: "base",
    });
    expect(angle.tests.filter((test) => test.kind === "io").every((test) => test.kind === "io" && test.atol === 0.0001)).toBe(true);
    expect(angle.meta?.assertion).toContain("import math");
  });

  it("restricts to the repair set's task ids with split 378", async () => {
    const problems = await loadBenchmark("mbpp+", { ...options, split: "378" });
    expect(problems.map((problem) => problem.id)).toEqual(["Mbpp/2", "Mbpp/9"]);
  });
});

describe("cruxeval", () => {
  it("keeps input and output text as they are", async () => {
    const problems = await loadBenchmark("cruxeval", options);
    expect(problems[1]).toEqual({
      id: "sample_1",
      source: { dataset: "cruxeval", version: "1.0" },
      prompt: "def f(a, b):\n    return (a, b)",
      entryPoint: "f",
      reference: "def f(a, b):\n    return (a, b)",
      tests: [{ kind: "io", id: "base-0", args: "(1, ), 'x'", expected: "((1,), 'x')", visibility: "hidden", group: "base" }],
    });
  });
});

describe("repair sets", () => {
  it("attaches each buggy program and its stated failing input to the EvalPlus problem", async () => {
    const [problem] = await loadBenchmark("humaneval-repair", options);
    expect(problem?.id).toBe("HumanEval/0");
    expect(problem?.candidate).toContain("return a - b");
    expect(problem?.meta).toEqual({ isSyntaxError: false, statedFailingInput: "[2, 3]" });
    expect(problem?.source.dataset).toBe("humaneval-repair");
  });

  it("records syntax errors, whose prompts state no failing input", async () => {
    const problems = await loadBenchmark("mbpp-repair", options);
    expect(problems.map((problem) => problem.id)).toEqual(["Mbpp/9", "Mbpp/2"]);
    expect(byId(problems, "Mbpp/9").meta).toMatchObject({ isSyntaxError: false, statedFailingInput: "['aaaa']" });
    expect(byId(problems, "Mbpp/2").meta).toMatchObject({ isSyntaxError: true });
    expect(byId(problems, "Mbpp/2").meta).not.toHaveProperty("statedFailingInput");
  });
});

describe("candidate pools", () => {
  it("maps MBPP/N onto Mbpp/N and lists the tasks MBPP+ lacks", async () => {
    expect(poolTaskIdToPlus("MBPP/76")).toBe("Mbpp/76");
    expect(poolTaskIdToPlus("HumanEval/3")).toBe("HumanEval/3");
    const pool = await loadCandidatePool({ ...options, benchmark: "mbpp", model: "toy-model" });
    expect(pool.problems.map((problem) => problem.id)).toEqual(["Mbpp/9"]);
    expect(pool.unmatchedTaskIds).toEqual(["MBPP/20"]);
    expect(pool.problems[0]?.candidate).toBe("def rotations(s):\n    return len(s)\n");
    expect(pool.problems[0]?.meta).toMatchObject({ pool: "toy-model", poolTaskId: "MBPP/9", isSolved: true });
  });

  it("attaches to the original benchmark with target base", async () => {
    const pool = await loadCandidatePool({ ...options, benchmark: "mbpp", model: "toy-model", target: "base" });
    expect(pool.problems.map((problem) => problem.id)).toEqual(["MBPP/20"]);
    expect(pool.unmatchedTaskIds).toEqual(["MBPP/9"]);
  });

  it("keeps the authors' facts and lists the models present", async () => {
    const pool = await loadCandidatePool({ ...options, benchmark: "humaneval", model: "toy-model" });
    expect(pool.problems[0]?.meta).toMatchObject({ isSolved: false, givenTests: ["assert shout('hi') == 'HI!'"] });
    expect(listCandidateModels("humaneval", options)).toEqual(["toy-model"]);
  });
});

describe("livecodebench", () => {
  const liveCodeBenchOptions = () => ({ ...options, path: join(fixturesDir, "data", "livecodebench") });

  it("reads every release file by default and decodes compressed private tests", async () => {
    const problems = await loadBenchmark("livecodebench", liveCodeBenchOptions());
    expect(problems.map((problem) => problem.id)).toEqual(["abc000_a", "9001", "1900A"]);
    const stdin = byId(problems, "abc000_a");
    expect(stdin.entryPoint).toBe("");
    expect(stdin.tests).toEqual([
      { kind: "stdin", id: "public-0", stdin: "1 2\n", expectedStdout: "3\n", visibility: "public", group: "base" },
      { kind: "stdin", id: "private-0", stdin: "10 20\n", expectedStdout: "30\n", visibility: "hidden", group: "base" },
      { kind: "stdin", id: "private-1", stdin: "-1 1\n", expectedStdout: "0\n", visibility: "hidden", group: "base" },
    ]);
    const large = byId(problems, "1900A").tests[0];
    expect(large?.kind === "stdin" && large.stdin.length).toBe(70001);
  });

  it("turns functional tests into io tests on Solution methods", async () => {
    const method = byId(await loadBenchmark("livecodebench", liveCodeBenchOptions()), "9001");
    expect(method.entryPoint).toBe("maxSum");
    expect(method.meta).toMatchObject({ entryClass: "Solution", platform: "leetcode", difficulty: "medium" });
    expect(method.tests.map((test) => test.kind === "io" && [test.args, test.expected])).toEqual([
      ["[1, 2, 3], 2", "5"],
      ["[12345678901234567890, 1], 1", "12345678901234567890"],
      ["['a', 'b'], 0", "[True, None]"],
    ]);
  });

  it("selects release files", async () => {
    const ids = async (split: string) => (await loadBenchmark("livecodebench", { ...liveCodeBenchOptions(), split })).map((problem) => problem.id);
    expect(await ids("release_v1")).toEqual(["abc000_a", "9001"]);
    expect(await ids("v2")).toEqual(["1900A"]);
    expect(await ids("release_v2")).toEqual(["abc000_a", "9001", "1900A"]);
    await expect(ids("release_v3")).rejects.toThrow(DataNotFoundError);
  });

  it("finds the hub folder inside a data folder", async () => {
    expect(await loadBenchmark("livecodebench", options)).toHaveLength(3);
  });
});

describe("apps", () => {
  it("reads call-based and stdin problems and reports the ones without tests", async () => {
    const warnings: string[] = [];
    const problems = await loadBenchmark("apps", { ...options, onWarning: (message) => warnings.push(message) });
    expect(problems.map((problem) => problem.id)).toEqual(["APPS/test/0", "APPS/test/1"]);
    expect(warnings).toEqual(["apps test: problem 2 has no tests; left out"]);
    const add = byId(problems, "APPS/test/0");
    expect(add.entryPoint).toBe("add");
    expect(add.reference).toBe("def add(a, b):\n    return a + b\n");
    expect(add.tests.map((test) => test.kind === "io" && [test.args, test.expected])).toEqual([
      ["1, 2", "3"],
      ["[1], [2]", "[1, 2]"],
    ]);
    expect(byId(problems, "APPS/test/1").tests).toEqual([
      { kind: "stdin", id: "hidden-0", stdin: "2\n", expectedStdout: "4\n", visibility: "hidden", group: "base" },
      { kind: "stdin", id: "hidden-1", stdin: "3\n", expectedStdout: "6\n", visibility: "hidden", group: "base" },
    ]);
  });

  it("fails clearly when the split file is absent", async () => {
    await expect(loadBenchmark("apps", { ...options, split: "train" })).rejects.toThrow(/apps\/train\.jsonl/);
  });
});

describe("generic", () => {
  it("reads the documented format", async () => {
    const problems = await loadBenchmark("generic", { ...options, path: join(fixturesDir, "generic.jsonl") });
    expect(problems[0]).toEqual({
      id: "toy/reverse",
      source: { dataset: "generic", version: "generic.jsonl" },
      prompt: 'def reverse(xs):\n    """Return xs reversed."""\n',
      entryPoint: "reverse",
      reference: "def reverse(xs):\n    return xs[::-1]\n",
      tests: [
        { kind: "io", id: "test-0", args: "[1, 2, 3]", expected: "[3, 2, 1]", visibility: "public", group: "base" },
        { kind: "io", id: "test-1", args: "(1, 2)", visibility: "hidden", group: "plus" },
        { kind: "assert", id: "empty", code: "assert reverse([]) == []\n", visibility: "hidden", group: "base" },
      ],
      meta: { author: "fixture" },
    });
    expect(problems[1]).toMatchObject({
      source: { dataset: "toys", version: "2" },
      entryPoint: "",
      candidate: "print(input())\n",
      tests: [
        { kind: "stdin", stdin: "hi\n", expectedStdout: "hi\n" },
        { kind: "io", args: "0.5", expected: "0.5", atol: 0.001 },
      ],
    });
  });

  it("reports every invalid line with its number", async () => {
    const error = await loadBenchmark("generic", { ...options, path: join(fixturesDir, "generic-invalid.jsonl") }).catch((caught) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    const paths = (error as ConfigError).issues.map((issue) => issue.path);
    expect(paths.some((path) => path.startsWith("line 1.tests.0"))).toBe(true);
    expect(paths).toContain("line 2.tests");
    expect(paths).toContain("line 3");
  });

  it("needs a path", async () => {
    await expect(loadBenchmark("generic", options)).rejects.toThrow(/needs a path/);
  });
});

describe("registry", () => {
  it("knows every built-in benchmark", () => {
    expect(benchmarks.names()).toEqual([
      "humaneval",
      "humaneval+",
      "mbpp",
      "mbpp-sanitized",
      "mbpp+",
      "cruxeval",
      "humaneval-repair",
      "mbpp-repair",
      "livecodebench",
      "livecodebench-execution",
      "apps",
      "reason-questions",
      "generic",
    ]);
  });

  it("filters tasks and rejects unknown ones and unknown benchmarks", async () => {
    const problems = await loadBenchmark("mbpp+", { ...options, tasks: ["Mbpp/124", "Mbpp/2"] });
    expect(problems.map((problem) => problem.id)).toEqual(["Mbpp/2", "Mbpp/124"]);
    await expect(loadBenchmark("mbpp+", { ...options, tasks: ["Mbpp/1"] })).rejects.toThrow(/no task Mbpp\/1/);
    await expect(loadBenchmark("humaneval-x", options)).rejects.toThrow(/unknown benchmark "humaneval-x": expected humaneval, humaneval\+, /);
  });

  it("takes plug-in loaders and refuses a second loader with the same name", async () => {
    const toy: Problem = { id: "t/1", source: { dataset: "toy", version: "0" }, prompt: "", entryPoint: "f", tests: [] };
    benchmarks.register({ name: "toy", description: "a toy", load: async () => [toy] });
    expect(await loadBenchmark("toy")).toEqual([toy]);
    expect(() => benchmarks.register({ name: "toy", description: "again", load: async () => [] })).toThrow(ConfigError);
    expect(() => benchmarks.register({ name: "mbpp", description: "again", load: async () => [] })).toThrow(/benchmark "mbpp" is already registered/);
  });

  it("says which file is missing and how to get it", async () => {
    const empty = isolatedOptions(join(fixture.dataDir, "nowhere"));
    const error = await loadBenchmark("humaneval", empty).catch((caught) => caught);
    expect(error).toBeInstanceOf(DataNotFoundError);
    const message = (error as Error).message;
    expect(message).toContain(join(fixture.dataDir, "nowhere", "humaneval", "HumanEval.jsonl.gz"));
    expect(message).toContain("semtrace data fetch humaneval");
    expect(message).toContain("--data-dir DIR");
    expect(message).toContain("SEMTRACE_DATA");
    expect((error as DataNotFoundError).file).toBe(join(fixture.dataDir, "nowhere", "humaneval", "HumanEval.jsonl.gz"));
  });
});
