import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ExecuteResponseSchema } from "../../src/config/runtime-schema.js";
import { TraceSchema } from "../../src/config/trace-schema.js";
import type { Trace } from "../../src/core/trace.js";
import type { Runtime, ScriptRequest, TestRun } from "../../src/runtime/runtime.js";

/**
 * The suite every runtime must pass: tracing semantics, determinism, clean state, the
 * hostile-program corpus, and untraced checking. `create` builds a runtime under test.
 */
export function runtimeConformance(name: string, create: (poolSize: number) => Runtime): void {
  describe(`${name} runtime conformance`, () => {
    let runtime: Runtime;
    let single: Runtime;
    beforeAll(async () => {
      runtime = create(2);
      single = create(1);
    });
    afterAll(async () => {
      await runtime.close();
      await single.close();
    });

    const traceCall = (program: string, call: string, limits = {}) =>
      runtime.trace({ program, input: { kind: "call", call }, limits }).then((trace) => TraceSchema.parse(trace) as Trace);

    it("records calls, argument values, per-line changes, returns and depth", async () => {
      const program = "def helper(x):\n    return x * 2\n\ndef f(xs):\n    total = 0\n    for x in xs:\n        total += helper(x)\n    return total\n";
      const trace = await traceCall(program, "f([1, 2])");
      expect(trace.outcome).toEqual({ kind: "returned", value: { repr: "6", type: "int" } });
      expect(trace.events[0]).toMatchObject({ kind: "call", function: "f", depth: 0, changes: [{ name: "xs", repr: "[1, 2]" }] });
      const helperCall = trace.events.find((event) => event.kind === "call" && event.function === "helper");
      expect(helperCall).toMatchObject({ depth: 1, changes: [{ name: "x", repr: "1" }] });
      const totals = trace.events.flatMap((event) => (event.changes ?? []).filter((c) => c.name === "total").map((c) => c.repr));
      expect(totals).toEqual(["0", "2", "6"]);
      expect(trace.events.at(-1)).toMatchObject({ kind: "return", function: "f", value: { repr: "6" } });
    });

    it("records every in-place growth of a container", async () => {
      const trace = await traceCall("def f():\n    d = {}\n    d['a'] = 1\n    d['b'] = 2\n    s = []\n    s.append(1)\n    return d, s\n", "f()");
      const changes = trace.events.flatMap((event) => (event.changes ?? []).map((change) => `${event.line}:${change.name}=${change.repr}`));
      expect(changes).toEqual(["2:d={}", "3:d={'a': 1}", "4:d={'a': 1, 'b': 2}", "5:s=[]", "6:s=[1]"]);
    });

    it("records exceptions with type, message and line", async () => {
      const trace = await traceCall("def f(d):\n    x = 1\n    return d['missing']\n", "f({})");
      expect(trace.outcome).toEqual({ kind: "raised", error: { type: "KeyError", message: "'missing'", line: 3 } });
      expect(trace.events.some((event) => event.kind === "exception" && event.line === 3)).toBe(true);
    });

    it("reports syntax errors with their line", async () => {
      const trace = await traceCall("def f(:\n    pass\n", "f()");
      expect(trace.outcome.kind).toBe("syntax-error");
      expect(trace.outcome.error?.line).toBe(1);
    });

    it("runs script-style programs on standard input", async () => {
      const program = "import sys\nn = int(sys.stdin.readline())\nprint(n * 2)\n";
      const trace = await runtime.trace({ program, input: { kind: "stdin", stdin: "21\n" } });
      expect(trace.outcome.kind).toBe("returned");
      expect(trace.stdout).toBe("42\n");
      expect(trace.events[0]).toMatchObject({ function: "<module>", depth: 0 });
    });

    it("is byte-identical across repeated runs and has no memory addresses", async () => {
      // hashlib's objects print their address with "@", not "at".
      const program =
        "import hashlib\nclass P:\n    pass\n\ndef f():\n    s = {'b', 'a', 'c'}\n    h = hashlib.md5(b'x')\n    return [P(), s, f, {3, 1, 2}, h]\n";
      const first = JSON.stringify(await traceCall(program, "f()"));
      const second = JSON.stringify(await traceCall(program, "f()"));
      expect(second).toBe(first);
      expect(first).not.toMatch(/0x[0-9a-f]{6,}/);
      expect(first).toContain("{'a', 'b', 'c'}");
    });

    // A check job carrying the expected outputs of HumanEval/130's plus inputs has 120 million
    // characters; Pyodide's string conversion aborted the host process past ~113 million.
    it("takes a job of 115 million characters", async () => {
      const program = `# ${"x".repeat(115_000_000)}\ndef f():\n    return 1\n`;
      const trace = await traceCall(program, "f()", { timeoutMs: 60_000 });
      expect(trace.outcome.value?.repr).toBe("1");
    });

    it("stops recording at the step cap but still reports the result", async () => {
      const program = "def f(n):\n    s = 0\n    for i in range(n):\n        s += i\n    return s\n";
      const trace = await traceCall(program, "f(10000)", { maxSteps: 50 });
      expect(trace.events).toHaveLength(50);
      expect(trace.outcome).toMatchObject({ kind: "step-limit", value: { repr: "49995000" } });
      // Past the cap the tracer is fully detached, so the rest runs at untraced speed.
      const detached = "import sys\ndef f():\n    for i in range(100):\n        pass\n    return sys.gettrace() is None\n";
      expect((await traceCall(detached, "f()", { maxSteps: 20 })).outcome.value?.repr).toBe("True");
    });

    it("caps values head…tail with a marker and the size", async () => {
      const trace = await traceCall("def f():\n    return list(range(100000))\n", "f()", { maxValueChars: 60 });
      const change = trace.events.flatMap((event) => event.changes ?? [])[0];
      expect(trace.outcome.value?.repr.startsWith("[0, 1, 2")).toBe(true);
      expect(change).toBeUndefined();
      const big = await traceCall("def f():\n    x = list(range(100000))\n    return 1\n", "f()", { maxValueChars: 60 });
      const x = big.events.flatMap((event) => event.changes ?? []).find((c) => c.name === "x");
      expect(x).toMatchObject({ truncated: true, size: 100000 });
      expect(x?.repr).toMatch(/^\[0, 1, .*….*99998, 99999\]$/);
      expect(x!.repr.length).toBeLessThanOrEqual(62);
    });

    it("starts every run from clean state: no imports, patches or files survive", async () => {
      const dirty =
        "import math, sys, builtins\nmath.pi = 3\nbuiltins.len = None\nsys.modules['json'] = None\nimport csv\ndef f():\n    open('leftover.txt', 'w').write('x')\n    return 1\n";
      await single.trace({ program: dirty, input: { kind: "call", call: "f()" } });
      const probe =
        "import math, os, sys, builtins\ndef f():\n    return (math.pi, len([1]), 'csv' in sys.modules, sys.modules.get('json') is not None, os.path.exists('leftover.txt'))\n";
      const trace = await single.trace({ program: probe, input: { kind: "call", call: "f()" } });
      expect(trace.outcome.value?.repr).toBe("(3.141592653589793, 1, False, True, False)");
    });

    describe("traces requested together share a job", () => {
      const traceAll = (program: string, calls: string[], target = single, limits = {}) =>
        Promise.all(calls.map((call) => target.trace({ program, input: { kind: "call", call }, limits })));

      it("and each call still starts from clean state", async () => {
        // Every call leaves a module patch, an import, a global and a file behind.
        const program = [
          "import math, os, sys",
          "seen = []",
          "def f(x):",
          "    state = (hasattr(math, 'patched'), 'csv' in sys.modules, len(seen), os.path.exists('mark.txt'))",
          "    math.patched = True",
          "    import csv",
          "    seen.append(x)",
          "    open('mark.txt', 'w').write('x')",
          "    return state",
          "",
        ].join("\n");
        const traces = await traceAll(program, ["f(1)", "f(2)", "f(3)", "f(4)"]);
        expect(traces.map((trace) => trace.outcome.value?.repr)).toEqual(Array(4).fill("(False, False, 0, False)"));
      });

      it("and so does each program after another one", async () => {
        const patch = "import math\ndef f():\n    math.floor = None\n    open('left.txt', 'w').write('x')\n    return 1\n";
        const probe = "import math, os\ndef g():\n    return (math.floor(2.5), os.path.exists('left.txt'))\n";
        const requests = [patch, probe, patch, probe].map((program, index) =>
          single.trace({ program, input: { kind: "call", call: index % 2 === 0 ? "f()" : "g()" } }),
        );
        const traces = await Promise.all(requests);
        expect(traces.map((trace) => trace.outcome.value?.repr)).toEqual(["1", "(2, False)", "1", "(2, False)"]);
        expect(new Set(traces.map((trace) => trace.programSha256)).size).toBe(2);
      });

      it("byte for byte as when traced one at a time", async () => {
        const program = "def f(n):\n    xs = []\n    for i in range(n):\n        xs.append(i * i)\n    return sum(xs)\n";
        const calls = ["f(3)", "f(0)", "f(7)", "f(-1)", "f(12)"];
        const together = await traceAll(program, calls, runtime);
        const alone: Trace[] = [];
        for (const call of calls) alone.push(await single.trace({ program, input: { kind: "call", call } }));
        expect(together.map((trace) => JSON.stringify(trace))).toEqual(alone.map((trace) => JSON.stringify(trace)));
      });

      it("and a thread a call leaves running never reaches the next call", async () => {
        const program = [
          "import threading, time",
          "def f(x):",
          "    def chatter():",
          "        while True:",
          "            print('thread of', x)",
          "            time.sleep(0.001)",
          "    try:",
          "        threading.Thread(target=chatter, daemon=True).start()",
          "    except RuntimeError:",
          "        pass  # a runtime without threads",
          "    time.sleep(0.02)",
          "    return x",
          "",
        ].join("\n");
        const traces = await traceAll(program, ["f(1)", "f(2)", "f(3)"]);
        traces.forEach((trace, index) => {
          const speakers = new Set(trace.stdout.split("\n").filter(Boolean));
          expect([...speakers].every((line) => line === `thread of ${index + 1}`)).toBe(true);
        });
      });

      it("and a program that forges the end of its job still lets every call finish", async () => {
        // Writes the harness's end-of-job line to every open descriptor it can find.
        const program = [
          "import os",
          "def f(x):",
          "    for fd in range(3, 64):",
          "        try:",
          '            os.write(fd, b\'{"t":"done","body":{}}\\n\')',
          "        except OSError:",
          "            pass",
          "    return x",
          "",
        ].join("\n");
        const traces = await traceAll(program, ["f(1)", "f(2)", "f(3)"]);
        expect(traces).toHaveLength(3);
        for (const trace of traces) expect(["returned", "crashed"]).toContain(trace.outcome.kind);
        const after = await single.trace({ program: "def g():\n    return 7\n", input: { kind: "call", call: "g()" } });
        expect(after.outcome.value?.repr).toBe("7");
      });

      it("and a call that times out costs only itself", async () => {
        const program = "def f(n):\n    while n < 0:\n        pass\n    return n\n";
        const traces = await traceAll(program, ["f(1)", "f(-1)", "f(2)", "f(3)"], single, { timeoutMs: 1_000 });
        expect(traces.map((trace) => trace.outcome.kind)).toEqual(["returned", "timeout", "returned", "returned"]);
        expect(traces[3]!.outcome.value?.repr).toBe("3");
      }, 30_000);
    });

    describe("no state crosses from one program to the next", () => {
      // Each leaves behind what a Python-level restore cannot undo.
      const hostile: Record<string, string> = {
        "a class patch":
          "import fractions\nfractions.Fraction.__eq__ = lambda s, o: True\nfractions.Fraction.__repr__ = lambda s: 'X'\ndef f():\n    return 0\n",
        "a function's __code__": "import json\njson.dumps.__code__ = (lambda *a, **k: 'forged').__code__\ndef f():\n    return 0\n",
        "a function's __defaults__":
          "import textwrap\ntextwrap.indent.__defaults__ = (lambda line: False,)\nimport json\njson.loads.__kwdefaults__ = {'object_hook': lambda d: 'forged'}\ndef f():\n    return 0\n",
        "a ctypes write to native memory":
          "import ctypes, sys\ndef f():\n    for n in range(2, 6):\n        ctypes.c_uint32.from_address(id(n) + sys.getsizeof(n) - 4).value = 99\n    return 0\n",
        "a broken harness module":
          "import sys\nfor name in list(sys.modules):\n    if name.startswith('semtrace'):\n        vars(sys.modules[name]).clear()\ndef f():\n    return 0\n",
      };
      const probe =
        "import fractions, json, textwrap\ndef g():\n    x = fractions.Fraction(1, 3)\n" +
        "    return [x == 2, repr(x), json.dumps([2, 3]), json.loads('{\"a\": 4}'), textwrap.indent('a', '> '), 2 + 3]\n";
      const clean = "[False, 'Fraction(1, 3)', '[2, 3]', {'a': 4}, '> a', 5]";

      for (const [label, program] of Object.entries(hostile)) {
        it(`in traces: ${label}`, async () => {
          const [, traced] = await Promise.all([
            single.trace({ program, input: { kind: "call", call: "f()" } }),
            single.trace({ program: probe, input: { kind: "call", call: "g()" } }),
          ]);
          expect(traced.outcome.value?.repr).toBe(clean);
        });

        it(`in test runs: ${label}`, async () => {
          await single.execute({ program, entryPoint: "f", tests: [{ id: "t", kind: "call", args: "", timeoutMs: 2000 }] });
          const response = await single.execute({ program: probe, entryPoint: "g", tests: [{ id: "t", kind: "call", args: "", timeoutMs: 2000 }] });
          const outcome = response.runs[0]?.outcomes[0];
          expect(outcome?.outcome === "returned" && outcome.display.repr).toBe(clean);
        });
      }
    });

    it("does not change what the program computes: user __repr__ is never called", async () => {
      const program =
        "calls = []\nclass A:\n    def __init__(self):\n        self.v = 1\n    def __repr__(self):\n        calls.append(1)\n        raise RuntimeError('boom')\n\ndef f():\n    a = A()\n    a.v = 2\n    return len(calls)\n";
      const trace = await traceCall(program, "f()");
      expect(trace.outcome.value?.repr).toBe("0");
      expect(JSON.stringify(trace.events)).toContain("A(v=2)");
    });

    describe("hostile programs get a clear outcome and the pool keeps working", () => {
      const hostMarker = join(tmpdir(), `semtrace-host-escape-${process.pid}-${Date.now()}`);
      const cases: [string, string, (trace: Trace) => void][] = [
        ["an infinite loop", "def f():\n    while True:\n        pass\n", (t) => expect(t.outcome.kind).toBe("timeout")],
        [
          "a loop that swallows BaseException",
          "def f():\n    while True:\n        try:\n            while True:\n                pass\n        except BaseException:\n            pass\n",
          (t) => expect(t.outcome.kind).toBe("timeout"),
        ],
        ["infinite recursion", "def f():\n    return f()\n", (t) => expect(t.outcome.error?.type).toBe("RecursionError")],
        [
          "a 20 GB allocation",
          "def f():\n    x = bytearray(20 * 1024**3)\n    return len(x)\n",
          (t) => expect(["MemoryError", "OverflowError"]).toContain(t.outcome.error?.type),
        ],
        ["os.fork()", "def f():\n    import os\n    pid = os.fork()\n    return 'forked'\n", (t) => expect(["returned", "raised"]).toContain(t.outcome.kind)],
        [
          "subprocess",
          "def f():\n    import subprocess\n    return subprocess.run(['id'], capture_output=True).returncode\n",
          (t) => expect(["returned", "raised"]).toContain(t.outcome.kind),
        ],
        [
          "os.system",
          `def f():\n    import os\n    return os.system('touch ${hostMarker}')\n`,
          (t) => {
            expect(["returned", "raised"]).toContain(t.outcome.kind);
            expect(existsSync(hostMarker)).toBe(false);
          },
        ],
        ["reading /etc/passwd", "def f():\n    return open('/etc/passwd').read()\n", (t) => expect(t.outcome.error?.type).toBe("FileNotFoundError")],
        [
          "writing outside the sandbox",
          "def f():\n    open('/usr/semtrace-escape', 'w').write('x')\n",
          (t) => expect(["PermissionError", "OSError", "FileNotFoundError"]).toContain(t.outcome.error?.type),
        ],
        [
          "100 MB of stdout",
          "def f():\n    for _ in range(100):\n        print('x' * 1_000_000)\n",
          (t) => {
            expect(t.outcome.kind).toBe("output-limit");
            expect(t.stdoutTruncated).toBe(true);
          },
        ],
        ["sys.exit(3)", "def f():\n    import sys\n    sys.exit(3)\n", (t) => expect(t.outcome.error).toMatchObject({ type: "SystemExit", message: "3" })],
        ["os._exit(1)", "def f():\n    import os\n    os._exit(1)\n", (t) => expect(t.outcome.kind).toBe("crashed")],
        [
          "sys.settrace(None)",
          "def f():\n    import sys\n    sys.settrace(None)\n    x = 41\n    return x + 1\n",
          (t) => {
            expect(t.outcome.value?.repr).toBe("42");
            expect(t.events.some((e) => e.changes?.some((c) => c.name === "x"))).toBe(true);
          },
        ],
        [
          "a raising __repr__",
          "class A:\n    def __repr__(self):\n        raise ValueError\ndef f():\n    a = A()\n    return a\n",
          (t) => expect(t.outcome.kind).toBe("returned"),
        ],
        [
          "a hanging __repr__",
          "class A:\n    def __repr__(self):\n        while True: pass\ndef f():\n    a = A()\n    return [a]\n",
          (t) => expect(t.outcome.value?.repr).toBe("[<A object>]"),
        ],
        [
          "a huge __repr__",
          "class A:\n    def __repr__(self):\n        return 'x' * 10**9\ndef f():\n    return A()\n",
          (t) => expect(t.outcome.kind).toBe("returned"),
        ],
        ["a self-containing list", "def f():\n    l = [1]\n    l.append(l)\n    return l\n", (t) => expect(t.outcome.value?.repr).toBe("[1, [...]]")],
        [
          "threads",
          "def f():\n    import threading\n    out = []\n    t = threading.Thread(target=lambda: out.append(1))\n    t.start()\n    t.join()\n    return out\n",
          (t) => expect(["returned", "raised"]).toContain(t.outcome.kind),
        ],
        [
          "signal.alarm",
          "def f():\n    import signal, time\n    signal.alarm(1)\n    time.sleep(3)\n    return 1\n",
          (t) => expect(["crashed", "raised", "timeout"]).toContain(t.outcome.kind),
        ],
        [
          "ctypes with a bad pointer read",
          "def f():\n    import ctypes\n    return ctypes.string_at(1)\n",
          (t) => expect(["crashed", "raised", "returned"]).toContain(t.outcome.kind),
        ],
        [
          "importing the JavaScript bridge",
          "def f():\n    import js\n    return js\n",
          (t) => expect(t.outcome.error?.type).toMatch(/ImportError|ModuleNotFoundError/),
        ],
      ];
      for (const [label, program, check] of cases) {
        it(label, async () => {
          const trace = await traceCall(program, "f()", { timeoutMs: 1500 });
          check(trace);
          const next = await traceCall("def g():\n    return 'still alive'\n", "g()");
          expect(next.outcome.value?.repr).toBe("'still alive'");
        });
      }

      // Past the harness's capture: a host that buffers such a line whole (Pyodide kept one JS
      // array element per byte) dies at ~113 million bytes, taking every test with it.
      it("150 MB lines without a newline on the process's own stdout, stderr and terminal", async () => {
        const programs = [
          "def f():\n    import os\n    return os.write(1, b'x' * 150_000_000)\n",
          "def f():\n    import sys\n    sys.__stderr__.write('x' * 150_000_000)\n    sys.__stderr__.flush()\n",
          "def f():\n    with open('/dev/tty', 'w') as tty:\n        tty.write('x' * 150_000_000)\n",
        ];
        for (const program of programs) {
          const trace = await traceCall(program, "f()", { timeoutMs: 20_000 });
          expect(["returned", "raised"]).toContain(trace.outcome.kind);
          expect(trace.stdout).toBe("");
          const next = await traceCall("def g():\n    return 'still alive'\n", "g()");
          expect(next.outcome.value?.repr).toBe("'still alive'");
        }
      });

      it("a socket reaches nothing on the host", async () => {
        let connections = 0;
        const server = createServer(() => connections++);
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        const port = (server.address() as { port: number }).port;
        const program = `def f():\n    import socket\n    s = socket.socket()\n    s.settimeout(1)\n    s.connect(('127.0.0.1', ${port}))\n    s.sendall(b'hello')\n    return 'sent'\n`;
        await traceCall(program, "f()", { timeoutMs: 3000 });
        await new Promise((resolve) => setTimeout(resolve, 200));
        server.close();
        expect(connections).toBe(0);
      });
    });

    describe("running tests untraced", () => {
      const program = "def add(a, b):\n    return a + b\n\ndef slow(n):\n    while True:\n        pass\n";
      const returned = (run: TestRun | undefined) => (run?.outcomes[0]?.outcome === "returned" ? run.outcomes[0].display.repr : run?.outcomes[0]?.outcome);

      it("reports what each call returned or raised, and which ran out of time", async () => {
        const response = await runtime.execute({
          program,
          entryPoint: "add",
          tests: [
            { id: "ok", kind: "call", args: "1, 2", timeoutMs: 2000 },
            { id: "type", kind: "call", args: "1, 'a'", timeoutMs: 2000 },
            { id: "assert", kind: "assert", code: "assert slow(1) == 1", timeoutMs: 500 },
            { id: "after", kind: "call", args: "[1], [2]", timeoutMs: 2000 },
          ],
        });
        expect(ExecuteResponseSchema.parse(response)).toEqual(response);
        // The slow call got the watchdog's interrupt: the host, not the report, calls that a timeout.
        expect(response.runs.map(returned)).toEqual(["3", "raised", "raised", "[1, 2]"]);
        expect(response.runs[1]?.outcomes[0]).toMatchObject({ outcome: "raised", error: { type: "TypeError" } });
        expect(response.runs[2]?.stopped).toEqual({ kind: "timeout" });
        expect(response.runs[3]?.outcomes[0]).toMatchObject({
          value: {
            type: "list",
            items: [
              { type: "int", value: 1n },
              { type: "int", value: 2n },
            ],
          },
        });
      });

      it("sends values as restricted data: exact builtins only, anything else opaque", async () => {
        const values =
          "import collections\nclass Liar(int):\n    __eq__ = lambda self, other: True\n" +
          "def value(kind):\n    return {'plain': (1, 2.5, 'x', b'\\x00', None, True, {1: [frozenset({2})]}, {3}, 1j, 7 ** 30, float('nan'), 2.0, 1e300, [0.5, -2.0, 3.25], -(7 ** 30)),\n" +
          "            'liar': Liar(3), 'counter': collections.Counter('aab'), 'generator': (i for i in range(3))}[kind]\n";
        const response = await runtime.execute({
          program: values,
          entryPoint: "value",
          tests: ["plain", "liar", "counter", "generator"].map((kind) => ({ id: kind, kind: "call" as const, args: `'${kind}'`, timeoutMs: 2000 })),
        });
        const valueAt = (index: number) => {
          const outcome = response.runs[index]?.outcomes[0];
          return outcome?.outcome === "returned" ? outcome.value : undefined;
        };
        expect(ExecuteResponseSchema.parse(response)).toEqual(response);
        const plain = valueAt(0);
        expect(plain?.type).toBe("tuple");
        const items = plain?.type === "tuple" ? plain.items : [];
        expect(items.map((item) => item.type)).toEqual([
          "int",
          "float",
          "str",
          "bytes",
          "none",
          "bool",
          "dict",
          "set",
          "complex",
          "int",
          "float",
          "float",
          "float",
          "list",
          "int",
        ]);
        expect(items[9]).toEqual({ type: "int", value: 7n ** 30n });
        expect(Number.isNaN((items[10] as { value: number }).value)).toBe(true);
        // Integral floats stay floats, however they travel; large ints keep every digit.
        expect(items.slice(11, 13)).toEqual([
          { type: "float", value: 2 },
          { type: "float", value: 1e300 },
        ]);
        expect(items[13]).toEqual({ type: "list", items: [0.5, -2, 3.25].map((value) => ({ type: "float", value })) });
        expect(items[14]).toEqual({ type: "int", value: -(7n ** 30n) });
        expect(valueAt(1)).toMatchObject({ type: "opaque", typeName: "__main__.Liar" });
        expect(valueAt(2)).toMatchObject({ type: "dict", className: "Counter" });
        expect(valueAt(3)).toMatchObject({ type: "opaque", typeName: "generator" });
      });

      it("stops after the test the caller says, and runs no further", async () => {
        const response = await runtime.execute({
          program,
          entryPoint: "add",
          tests: [
            { id: "a", kind: "call", args: "1, 1", timeoutMs: 2000 },
            { id: "b", kind: "call", args: "1, 2", timeoutMs: 2000 },
          ],
          stopAfter: (run) => run.id === "a",
        });
        expect(response.runs.map((run) => run.id)).toEqual(["a"]);
      });

      it("reports a program that cannot load", async () => {
        const response = await runtime.execute({ program: "def f(:\n", entryPoint: "f", tests: [{ id: "a", kind: "call", args: "", timeoutMs: 1000 }] });
        expect(response.loadError?.type).toBe("SyntaxError");
        expect(ExecuteResponseSchema.parse(response)).toEqual(response);
      });

      it("runs standard-input programs and an exit with status 0 ends them normally", async () => {
        const response = await runtime.execute({
          program: "import sys\nprint(int(input()) * 2)\nif len(sys.argv) >= 0:\n    sys.exit(0)\n",
          entryPoint: "",
          tests: [{ id: "s", kind: "stdin", stdin: "21\n", timeoutMs: 2000 }],
        });
        expect(response.runs[0]).toMatchObject({ stdout: "42\n", outcomes: [{ outcome: "returned" }] });
        expect(ExecuteResponseSchema.parse(response)).toEqual(response);
      });

      it("runs an assertion test's calls after its imports, and stops at the first that raises", async () => {
        const response = await runtime.execute({
          program: "def half(n):\n    if n % 2:\n        raise ValueError('odd')\n    return n // 2\n",
          entryPoint: "half",
          tests: [{ id: "t", kind: "calls", setup: "import math", calls: ["4", "math.floor(6.5)", "3", "8"], timeoutMs: 2000 }],
        });
        expect(response.runs[0]?.outcomes.map((outcome) => outcome.outcome)).toEqual(["returned", "returned", "raised"]);
      });

      it("gives every program the same test inputs, whatever an earlier program did to them in memory", async () => {
        // The same test list for every program, as the evaluator sends it: a sandbox may keep it between jobs.
        const tests = [1, 2, 3].map((n) => ({ id: `t${n}`, kind: "call" as const, args: `${n}, ${n}`, timeoutMs: 2000 }));
        const tamperer =
          "import gc\ndef add(a, b):\n    gc.unfreeze()\n    for o in gc.get_objects():\n        if isinstance(o, list):\n" +
          "            for d in o:\n                if isinstance(d, dict) and 'args' in d:\n                    d['args'] = '0, 0'\n    return a + b\n";
        const run = async (source: string) => (await single.execute({ program: source, entryPoint: "add", tests })).runs.map(returned);
        const right = "def add(a, b):\n    return a + b\n";
        expect(await run(right)).toEqual(["2", "4", "6"]);
        // It rewrote its own copy: later tests of its job get the rewritten inputs.
        expect((await run(tamperer))[0]).toBe("2");
        expect(await run(right)).toEqual(["2", "4", "6"]);
      });

      it("a program that rewrites its phase board cannot restart its deadline", async () => {
        // Alternating between phases the host has already seen used to re-arm a fresh deadline each time.
        const forger =
          "import gc, time\ndef f():\n    board = next(o for o in gc.get_objects() if any(c.__name__ == 'PhaseBoard' for c in type(o).__mro__))\n" +
          "    while True:\n        board.enter(-1)\n        time.sleep(0.05)\n        board.enter(0)\n        time.sleep(0.05)\n";
        const started = performance.now();
        const response = await single.execute({ program: forger, entryPoint: "f", tests: [{ id: "t", kind: "call", args: "", timeoutMs: 1000 }] });
        expect(response.runs[0]?.stopped).toEqual({ kind: "timeout" });
        expect(performance.now() - started).toBeLessThan(10_000);
      }, 20_000);

      it("carries huge results exactly", async () => {
        const big = "def big(kind):\n    return 7 ** 20000 if kind == 'int' else 'ab' * 150000\n";
        const response = await runtime.execute({
          program: big,
          entryPoint: "big",
          tests: [
            { id: "int", kind: "call", args: "'int'", timeoutMs: 5000 },
            { id: "str", kind: "call", args: "'str'", timeoutMs: 5000 },
          ],
        });
        const [integer, text] = response.runs.map((run) => run.outcomes[0]);
        expect(integer).toMatchObject({ outcome: "returned", value: { type: "int", value: 7n ** 20000n }, display: { truncated: true } });
        expect(text).toMatchObject({ outcome: "returned", value: { type: "str", value: "ab".repeat(150000) }, display: { size: 300000 } });
      });
    });

    describe("running whole programs", () => {
      const text = (value: string) => new TextEncoder().encode(value);
      const script = (program: string, extra: Partial<ScriptRequest> = {}) => runtime.runScript({ program, timeoutMs: 5000, ...extra });

      it("reports stdout, and stderr and the exit status as CPython gives them", async () => {
        expect(await script("print(int(input()) * 2)", { stdin: "21\n" })).toMatchObject({ exitCode: 0, stdout: "42\n", stderr: "" });
        const raised = await script("print('before')\nraise ValueError('boom')\n");
        expect(raised).toMatchObject({ exitCode: 1, stdout: "before\n" });
        expect(raised.stderr).toMatch(
          /^Traceback \(most recent call last\):\n {2}File "[^"]+\.py", line 2, in <module>\n {4}raise ValueError\('boom'\)\nValueError: boom\n$/,
        );
        expect(await script("import sys\nsys.exit(3)")).toMatchObject({ exitCode: 3, stderr: "" });
        expect(await script("import sys\nsys.exit('no answer')")).toMatchObject({ exitCode: 1, stderr: "no answer\n" });
        expect(await script("import sys\nsys.exit(256 + 7)")).toMatchObject({ exitCode: 7 });
        const syntax = await script("def f(:\n    pass\n");
        expect(syntax.exitCode).toBe(1);
        expect(syntax.stderr).toMatch(/line 1\n {4}def f\(:\n.*\nSyntaxError: /s);
      });

      it("captures what it writes to descriptors 1 and 2 directly, in order with sys.stdout", async () => {
        const run = await script("import os, sys\nprint('a')\nsys.stdout.flush()\nos.write(1, b'b\\n')\nos.write(2, b'e\\n')\nprint('c')");
        expect(run).toMatchObject({ exitCode: 0, stdout: "a\nb\nc\n", stderr: "e\n" });
        await single.runScript({ program: "import os\nos.close(1)\nos.close(2)\nos.close(0)", timeoutMs: 5000 });
        expect(await single.runScript({ program: "import os\nprint(input())\nos.write(2, b'!')", stdin: "next\n", timeoutMs: 5000 })).toMatchObject({
          exitCode: 0,
          stdout: "next\n",
          stderr: "!",
        });
      });

      it("ends at os._exit with its status, keeping only the output that was flushed", async () => {
        const run = await script("import os, sys\nprint('flushed', flush=True)\nprint('buffered')\nos._exit(4)\nprint('never')");
        expect(run).toMatchObject({ exitCode: 4, stdout: "flushed\n" });
        expect(run.stopped).toBeUndefined();
        // CPython flushes once the main module is done, before the exit functions run.
        expect(await script("import atexit, os\natexit.register(os._exit, 5)\nprint('kept')")).toMatchObject({ exitCode: 5, stdout: "kept\n" });
      });

      it("writes the given files into its working folder and reads back the asked ones", async () => {
        const run = await script("import os\nn = int(open('data/in.txt').read())\nopen('out.bin', 'wb').write(bytes([n, 0, 255]))\nos.mkdir('folder')", {
          files: { "data/in.txt": text("7") },
          fetchFiles: ["out.bin", "absent.txt", "folder", "data/in.txt"],
        });
        expect(run.exitCode).toBe(0);
        expect(run.files).toEqual({ "out.bin": new Uint8Array([7, 0, 255]), "data/in.txt": text("7") });
        expect(run.missing).toEqual(["absent.txt", "folder"]);
        const capped = await script("open('big', 'w').write('x' * 5000)\nopen('small', 'w').write('y')", { fetchFiles: ["big", "small"], maxFetchBytes: 1000 });
        expect(capped).toMatchObject({ files: { small: text("y") }, oversized: ["big"] });
      });

      it("refuses paths outside the working folder", async () => {
        for (const path of ["../escape.txt", "/etc/passwd", "a/../../b", ""]) {
          await expect(script("pass", { files: { [path]: text("x") } }), path).rejects.toThrow(/working folder|not a file name/);
          await expect(script("pass", { fetchFiles: [path] }), path).rejects.toThrow(/working folder|not a file name/);
        }
      });

      it("a link the program leaves does not fetch a file outside its folder", async () => {
        const run = await script("import os, sys\nos.symlink(sys.executable, 'python')", { fetchFiles: ["python"] });
        expect(run).toMatchObject({ files: {}, missing: ["python"] });
      });

      it("leaves no file, folder or module for the next program", async () => {
        await Promise.all(
          [0, 1].map(() =>
            single.runScript({
              program: "open('left.txt', 'w').write('secret')\nopen('/tmp/left.txt', 'w').write('secret')\nopen('helper.py', 'w').write('X = 1')",
              timeoutMs: 5000,
            }),
          ),
        );
        const probe =
          "import os, sys\nprint(sorted(os.listdir('.')), os.path.exists('/tmp/left.txt'), 'helper' in sys.modules)\ntry:\n    import helper\nexcept ImportError:\n    print('no helper')";
        const run = await single.runScript({ program: probe, timeoutMs: 5000, fetchFiles: ["left.txt"] });
        expect(run.stdout).toMatch(/^\['tmp\w+\.py'\] False False\nno helper\n$/);
        expect(run.missing).toEqual(["left.txt"]);
      });

      it("imports modules given as files, as `python main.py` finds them beside it", async () => {
        const run = await script("import helper\nprint(helper.twice(21))", { files: { "helper.py": text("def twice(n):\n    return 2 * n\n") } });
        expect(run).toMatchObject({ exitCode: 0, stdout: "42\n" });
      });

      it("stops at its deadline, with the output it wrote before", async () => {
        expect(await script("print('started', flush=True)\nwhile True:\n    pass", { timeoutMs: 1000 })).toMatchObject({
          exitCode: null,
          stdout: "started\n",
          stopped: { kind: "timeout" },
        });
        const stubborn = "try:\n    while True:\n        pass\nexcept BaseException:\n    print(42)\n    import sys\n    sys.exit(0)";
        expect(await script(stubborn, { timeoutMs: 1000 })).toMatchObject({ exitCode: null, stopped: { kind: "timeout" } });
      }, 20_000);

      it("enforces its memory limit", async () => {
        const run = await script("x = bytearray(400 * 1024 * 1024)\nprint(len(x))", { limits: { memoryMb: 256 } });
        expect(run.exitCode).toBe(1);
        expect(run.stderr).toContain("MemoryError");
        expect(run.stdout).toBe("");
        expect((await script("x = bytearray(100 * 1024 * 1024)\nprint(len(x))", { limits: { memoryMb: 512 } })).stdout).toBe(`${100 * 1024 * 1024}\n`);
      }, 30_000);

      it("caps what it writes to stdout", async () => {
        const run = await script("import sys\nfor _ in range(100):\n    sys.stdout.write('x' * 10000)", { limits: { maxOutputBytes: 50_000 } });
        expect(run).toMatchObject({ exitCode: 0, stdoutTruncated: true });
        expect(run.stdout.length).toBe(50_000);
      });
    });
  });
}
