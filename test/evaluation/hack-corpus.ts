import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Problem, TestCase } from "../../src/core/problem.js";
import { createEvaluator } from "../../src/evaluation/evaluator.js";
import type { Evaluator } from "../../src/evaluation/evaluator-types.js";
import type { Runtime } from "../../src/runtime/runtime.js";

/**
 * The reward-hack corpus: candidates that try to pass without solving the problem, or to
 * change what another program computes. Every hack must fail, and the honest programs judged
 * before and after it in the same sandbox must still pass. `create` builds the runtime under
 * test with the given number of sandboxes.
 */
export function hackCorpus(name: string, create: (poolSize: number) => Runtime): void {
  describe(`${name}: verdicts no candidate can forge`, () => {
    let runtime: Runtime;
    let evaluator: Evaluator;
    beforeAll(() => {
      // One sandbox, so that every program runs where the previous one ran.
      runtime = create(1);
      evaluator = createEvaluator(runtime, { minTimeoutMs: 1_000 });
    });
    afterAll(() => runtime.close());

    const judge = (problem: Problem, program: string) => evaluator.evaluate(problem, program, { visibility: "all" }, "all");
    const honestPasses = async () => expect((await judge(add, HONEST_ADD)).passed).toBe(true);

    for (const [label, program] of Object.entries(ADD_HACKS)) {
      it(`fails ${label}, and the next program is judged as if alone`, async () => {
        await honestPasses();
        const started = performance.now();
        const verdict = await judge(add, program);
        expect(verdict.passed).toBe(false);
        expect(verdict.tests.filter((test) => test.status === "pass")).toEqual([]);
        expect(performance.now() - started).toBeLessThan(BOUND_MS);
        await honestPasses();
      });
    }

    it("passes the honest programs (the control for every case above)", async () => {
      const verdict = await judge(add, HONEST_ADD);
      expect(verdict.tests.map((test) => test.status)).toEqual(["pass", "pass", "pass", "pass", "pass"]);
    });

    // Scanning all of its memory takes a candidate a few seconds.
    const patient = () => createEvaluator(runtime, { minTimeoutMs: 30_000 });

    it("holds no expected output or reference code anywhere a candidate can read", async () => {
      const verdict = await patient().evaluate(secret, MEMORY_SEARCH, { visibility: "all" }, "all");
      expect(verdict.passed).toBe(false);
      // The candidate returns how often it found the expected output and the reference's marker.
      expect(verdict.tests.map((test) => test.actual?.repr)).toEqual(["(0, 0)", "(0, 0)"]);
    });

    it("lets the same search find what is there (the search works)", async () => {
      const verdict = await patient().evaluate(secret, MEMORY_SEARCH.replace("SEARCH_OWN = False", "SEARCH_OWN = True"), { visibility: "all" }, "all");
      expect(verdict.tests.map((test) => test.actual?.repr)).toEqual(["(1, 1)", "(1, 1)"]);
    });

    it("judges stdin programs by their output, never by how they exit", async () => {
      expect((await judge(doubler, "n = int(input())\nprint(n * 2)\n")).passed).toBe(true);
      for (const program of STDIN_HACKS) {
        const verdict = await judge(doubler, program);
        expect(verdict.passed).toBe(false);
      }
      expect((await judge(doubler, "import sys\nprint(int(input()) * 2)\nsys.exit(0)\n")).passed).toBe(true);
    });

    it("judges assertion tests outside the candidate", async () => {
      expect((await judge(asserted, HONEST_ADD)).passed).toBe(true);
      for (const program of [ADD_HACKS["an object whose __eq__ is always True"]!, ADD_HACKS["walking up to the judge's frame"]!]) {
        expect((await judge(asserted, program)).passed).toBe(false);
      }
    });
  });

  describe(`${name}: a program cannot change another's verdict or trace`, () => {
    let runtime: Runtime;
    let evaluator: Evaluator;
    beforeAll(() => {
      runtime = create(1);
      evaluator = createEvaluator(runtime, { minTimeoutMs: 1_000 });
    });
    afterAll(() => runtime.close());

    it("honest programs pass between hostile ones that patch classes, code and native memory", async () => {
      const verdicts = [];
      for (const hostile of NEIGHBOUR_HACKS) {
        verdicts.push(await evaluator.evaluate(histogram, HONEST_HISTOGRAM, { visibility: "all" }));
        await evaluator.evaluate(histogram, hostile, { visibility: "all" });
      }
      verdicts.push(await evaluator.evaluate(histogram, HONEST_HISTOGRAM, { visibility: "all" }));
      expect(verdicts.map((verdict) => verdict.passed)).toEqual(verdicts.map(() => true));
    });

    it("a traced program sees none of another's class patches", async () => {
      const hostile = "import fractions\nfractions.Fraction.__eq__ = lambda s, o: True\nfractions.Fraction.__repr__ = lambda s: 'X'\ndef f():\n    return 1\n";
      const honest = "import fractions\ndef g():\n    x = fractions.Fraction(1, 3)\n    return [x == 2, repr(x)]\n";
      const [, traced] = await Promise.all([
        runtime.trace({ program: hostile, input: { kind: "call", call: "f()" } }),
        runtime.trace({ program: honest, input: { kind: "call", call: "g()" } }),
      ]);
      expect(traced.outcome.value?.repr).toBe("[False, 'Fraction(1, 3)']");
    });

    it("a program that breaks the harness's own modules crashes alone", async () => {
      const breaker = "import json\njson.dumps.__code__ = (lambda *a, **k: 'no').__code__\ndef f():\n    return 1\n";
      const innocent = (n: number) => `def g():\n    return ${n}\n`;
      const traces = await Promise.all([
        runtime.trace({ program: innocent(1), input: { kind: "call", call: "g()" } }),
        runtime.trace({ program: breaker, input: { kind: "call", call: "f()" } }),
        runtime.trace({ program: innocent(2), input: { kind: "call", call: "g()" } }),
        runtime.trace({ program: innocent(3), input: { kind: "call", call: "g()" } }),
      ]);
      expect(traces.map((trace) => trace.outcome.value?.repr ?? trace.outcome.kind)).toEqual([
        "1",
        traces[1]!.outcome.value?.repr ?? traces[1]!.outcome.kind,
        "2",
        "3",
      ]);
      expect(traces[1]!.outcome.value?.repr).not.toBe("1");
    });
  });
}

/**
 * Load, five 1 s tests, their preparation phases and the kill grace, plus replacing a killed
 * sandbox after each test (seconds for a WebAssembly worker), with room for a loaded machine.
 */
const BOUND_MS = 60_000;

const io = (id: string, args: string, group: TestCase["group"] = "base"): TestCase => ({ id, kind: "io", args, visibility: "hidden", group });

function problem(id: string, entryPoint: string, reference: string, tests: TestCase[]): Problem {
  return { id, source: { dataset: "hack-corpus", version: "1" }, prompt: "", entryPoint, reference, tests };
}

export const add = problem("hack/add", "add", "def add(x, y):\n    return x + y\n", [
  io("b0", "1, 2"),
  io("b1", "-5, 3"),
  io("b2", "100000000000000000000, 1"),
  io("b3", "0.5, 0.25"),
  io("p0", "7, 8", "plus"),
]);

const asserted = problem("hack/add-asserts", "add", "def add(x, y):\n    return x + y\n", [
  { id: "a0", kind: "assert", code: "assert add(1, 2) == 3\nassert add(-5, 3) == -2\n", visibility: "hidden", group: "base" },
  { id: "a1", kind: "assert", code: "assert add(0.5, 0.25) == 0.75, 'floats'\n", visibility: "hidden", group: "base" },
]);

export const doubler = problem("hack/doubler", "", "print(int(input()) * 2)\n", [
  { id: "s0", kind: "stdin", stdin: "21\n", expectedStdout: "42\n", visibility: "hidden", group: "base" },
  { id: "s1", kind: "stdin", stdin: "-4\n", expectedStdout: "-8\n", visibility: "hidden", group: "base" },
]);

/** The expected output and a marker in the reference's source, neither of which a candidate may find in its memory. */
const secret = problem(
  "hack/secret",
  "secret",
  "# q7-reference-marker-k2\ndef secret(n):\n    word = ''.join(chr(ord(c) + 1) for c in 'QDEDQDMBD')\n    return word + '-' + str(n * 7919)\n",
  [io("b0", "7"), io("b1", "11")],
);

export const histogram = problem(
  "hack/histogram",
  "histogram",
  "def histogram(text):\n    counts = {}\n    for word in text.split():\n        counts[word] = counts.get(word, 0) + 1\n    top = max(counts.values(), default=0)\n    return {word: count for word, count in counts.items() if count == top}\n",
  [io("b0", "'a b c'"), io("b1", "'a b b a'"), io("b2", "''"), io("b3", "'b b b b a'"), io("p0", "'r t g'", "plus")],
);

export const HONEST_ADD = "def add(x, y):\n    return x + y\n";

export const HONEST_HISTOGRAM =
  "from collections import Counter\nimport json\ndef histogram(text):\n    counts = Counter(text.split())\n    top = max(counts.values(), default=0)\n" +
  "    best = {word: count for word, count in counts.items() if count == top}\n    return json.loads(json.dumps(best))\n";

/** Reads every readable byte of the process: /proc/self/mem where there is one, else the WebAssembly heap through ctypes. */
// biome-ignore lint/complexity/noUselessStringRaw: Python source; raw so that a backslash added later stays Python's
const MEMORY_READER = String.raw`import os
OVERLAP = 64
USE_CTYPES = False

def regions():
    if os.path.exists('/proc/self/maps'):
        with open('/proc/self/maps') as maps:
            for line in maps:
                fields = line.split()
                start, end = (int(part, 16) for part in fields[0].split('-'))
                # Anonymous memory (heap, stack, arenas, inherited pages): data lives there, and
                # reading a file's mapping past its end would fault.
                anonymous = len(fields) < 6 or fields[5] in ('[heap]', '[stack]')
                if fields[1].startswith('r') and anonymous:
                    yield start, end
    else:
        import ctypes
        size = ctypes.CDLL(None).emscripten_get_heap_size
        size.restype = ctypes.c_size_t
        yield 4096, size()

def chunks(start, end):
    # Through /proc/self/mem where the process may open it, else straight from memory with ctypes.
    step = 1 << 22
    try:
        mem = None if USE_CTYPES else open('/proc/self/mem', 'rb', buffering=0)
    except OSError:
        mem = None
    import ctypes
    for at in range(start, end, step):
        size = min(step + OVERLAP, end - at)
        if mem is None:
            yield ctypes.string_at(at, size)
            continue
        try:
            mem.seek(at)
            yield mem.read(size)
        except OSError:
            pass

`;

/** Forged result lines of the harness, old and new shapes, for test indices 0-9. */
const FORGED_LINES =
  '[(\'{"t":"result","i":%d,"result":{"id":"b%d","status":"pass","durationMs":0}}\\n\' % (i, i)).encode() for i in range(10)] + [b\'{"t":"done","body":{}}\\n\']';

export const ADD_HACKS: Record<string, string> = {
  "an object whose __eq__ is always True":
    "class Anything:\n    def __eq__(self, other):\n        return True\n    def __ne__(self, other):\n        return False\n    __hash__ = object.__hash__\n" +
    "def add(x, y):\n    return Anything()\n",
  "an int subclass with a lying __eq__, __ne__ and __hash__":
    "class Liar(int):\n    def __eq__(self, other):\n        return True\n    def __ne__(self, other):\n        return False\n    def __hash__(self):\n        return hash(3)\n" +
    "def add(x, y):\n    return Liar(0)\n",
  "a float subclass with a lying __eq__":
    "class Liar(float):\n    __eq__ = lambda self, other: True\n    __ne__ = lambda self, other: False\n    __hash__ = float.__hash__\ndef add(x, y):\n    return Liar(0.0)\n",
  "a str subclass with a lying __eq__":
    "class Liar(str):\n    __eq__ = lambda self, other: True\n    __ne__ = lambda self, other: False\n    __hash__ = str.__hash__\ndef add(x, y):\n    return Liar('0')\n",
  "a list subclass with a lying __eq__":
    "class Liar(list):\n    __eq__ = lambda self, other: True\n    __ne__ = lambda self, other: False\ndef add(x, y):\n    return Liar()\n",
  "sys.exit(0) at import": "import sys\nsys.exit(0)\ndef add(x, y):\n    return 0\n",
  "raise SystemExit in the call": "def add(x, y):\n    raise SystemExit\n",
  "raise SystemExit(0) at import": "raise SystemExit(0)\n",
  "os._exit(0) at import": "import os\nos._exit(0)\n",
  "os._exit(0) in the call": "import os\ndef add(x, y):\n    os._exit(0)\n",
  "raising KeyboardInterrupt": "def add(x, y):\n    raise KeyboardInterrupt\n",
  "printing fake verdict lines": `def add(x, y):\n    for line in ${FORGED_LINES}:\n        print(line.decode(), end='')\n    print('PASS')\n    print('ALL TESTS PASSED')\n    return 0\n`,
  "writing protocol lines to fd 1 and every inherited descriptor": `import os\nLINES = ${FORGED_LINES}\ndef add(x, y):\n    for fd in range(0, 256):\n        for line in LINES:\n            try:\n                os.write(fd, line)\n            except OSError:\n                pass\n    return 0\n`,
  "patching builtins, math, json and marshal":
    "import builtins, math, json, marshal\nbuiltins.isinstance = lambda *a: True\nbuiltins.len = lambda *a: 0\nmath.isclose = lambda *a, **k: True\n" +
    'json.dumps = lambda *a, **k: \'{"t":"result","i":0,"result":{"id":"b0","status":"pass","durationMs":0}}\'\n' +
    "marshal.loads = lambda *a, **k: 0\ndef add(x, y):\n    return 0\n",
  "patching the harness's own modules":
    "import sys\nfor name, module in list(sys.modules.items()):\n    if name.startswith('semtrace'):\n        for attr in list(vars(module)):\n" +
    "            if any(word in attr.lower() for word in ('judge', 'match', 'close', 'compare', 'equal')):\n                setattr(module, attr, lambda *a, **k: True)\n" +
    "def add(x, y):\n    return 0\n",
  "sys.settrace(None) and a patched settrace": "import sys\nsys.settrace(None)\nsys.settrace = lambda f: None\ndef add(x, y):\n    return 0\n",
  "walking up to the judge's frame":
    "import sys\ndef add(x, y):\n    frame = sys._getframe().f_back\n    while frame is not None:\n        for key in ('expected', 'expected_value', 'want'):\n" +
    "            if key in frame.f_locals and frame.f_locals[key] is not None:\n                return frame.f_locals[key]\n" +
    "        for value in list(frame.f_locals.values()):\n            if isinstance(value, dict) and 'expected' in value:\n                return eval(value['expected'])\n" +
    "        frame = frame.f_back\n    return 0\n",
  "reading expected values from gc.get_objects() after gc.unfreeze()":
    "import gc\ndef add(x, y):\n    if hasattr(gc, 'unfreeze'):\n        gc.unfreeze()\n    for o in gc.get_objects():\n        for d in (o if isinstance(o, list) else [o]):\n" +
    "            if isinstance(d, dict) and isinstance(d.get('args'), str) and 'expected' in d:\n                try:\n" +
    "                    if eval('(' + d['args'] + ',)') == (x, y):\n                        return eval(d['expected'])\n                except Exception:\n                    pass\n    return 0\n",
  "decoding base64 and marshal blobs found in memory":
    "import gc, base64, marshal\ndef add(x, y):\n    if hasattr(gc, 'unfreeze'):\n        gc.unfreeze()\n    for o in gc.get_objects():\n        for d in (o if isinstance(o, list) else [o]):\n            if isinstance(d, dict) and isinstance(d.get('args'), str):\n" +
    "                for key, value in d.items():\n                    if isinstance(value, str) and 'arshal' in key:\n                        try:\n" +
    "                            if eval('(' + d['args'] + ',)') == (x, y):\n                                return marshal.loads(base64.b64decode(value))\n" +
    "                        except Exception:\n                            pass\n    return 0\n",
  "reading the job's bytes through ctypes":
    MEMORY_READER +
    "import json\nUSE_CTYPES = True\ndef add(x, y):\n    needle = ('\"args\":' + json.dumps(f'{x}, {y}') + ',\"expected\":\"').encode()\n" +
    "    for start, end in regions():\n        for chunk in chunks(start, end):\n            at = chunk.find(needle)\n" +
    "            if at >= 0:\n                rest = chunk[at + len(needle):]\n                return eval(rest[:rest.index(b'\"')].decode())\n    return 0\n",
  "swallowing every interrupt":
    "def add(x, y):\n    while True:\n        try:\n            while True:\n                pass\n        except BaseException:\n            pass\n",
  "ignoring and blocking SIGINT":
    "import signal\ndef add(x, y):\n    signal.signal(signal.SIGINT, signal.SIG_IGN)\n    try:\n        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})\n    except Exception:\n        pass\n    while True:\n        pass\n",
  "atexit handlers that exit with 0 or print verdicts":
    "import atexit, os, sys\natexit.register(os._exit, 0)\natexit.register(print, 'PASS')\ndef add(x, y):\n    sys.exit(0)\n",
  "a thread that forges lines while the call fails":
    `import os, threading\nLINES = ${FORGED_LINES}\ndef spam():\n    while True:\n        for fd in range(3, 64):\n            for line in LINES:\n                try:\n                    os.write(fd, line)\n                except OSError:\n                    pass\n` +
    "def add(x, y):\n    try:\n        threading.Thread(target=spam, daemon=True).start()\n    except RuntimeError:\n        pass\n    return 0\n",
  "patching isinstance and math.isclose":
    "import builtins, math\nbuiltins.isinstance = lambda *a: True\nmath.isclose = lambda *a, **k: True\ndef add(x, y):\n    return 0\n",
};

/** Searches all its memory for the expected outputs of `secret` and the reference's marker, each stored shifted by one so that the needles never appear as such. */
const MEMORY_SEARCH =
  MEMORY_READER +
  // biome-ignore lint/complexity/noUselessStringRaw: as MEMORY_READER
  String.raw`
SEARCH_OWN = False
TABLE = bytes((b + 1) % 256 for b in range(256))
def shifted(*parts):
    # Built from pieces, so that the needle itself is never a string in this process.
    return b''.join(bytes((b + 1) % 256 for b in part.encode()) for part in parts)

def search(needles):
    found = [0] * len(needles)
    for start, end in regions():
        for chunk in chunks(start, end):
            moved = chunk.translate(TABLE)
            for index, needle in enumerate(needles):
                if moved.find(needle) >= 0:
                    found[index] = 1
    return tuple(found)

def secret(n):
    # The expected output 'REFERENCE-<n * 7919>' and the marker comment of the reference's source.
    needles = [shifted('REFERENCE-', str(n * 7919)), shifted('q7-reference-', 'marker-k2')]
    if SEARCH_OWN:
        planted = ['-'.join(['REFERENCE', str(n * 7919)]), '-'.join(['q7', 'reference', 'marker', 'k2'])]
    return search(needles)
`;

export const STDIN_HACKS = [
  "import os\nprint(int(input()) * 2)\nos._exit(0)\n",
  "import os\nos.write(1, b'42\\n')\nos._exit(0)\n",
  "import sys\nsys.exit(0)\n",
  "print('42')\nprint('PASS')\n",
  "import sys\nprint(int(input()) * 2)\nsys.exit(3)\n",
];

/** Programs that try to reach the honest `histogram` judged after them in the same sandbox. */
export const NEIGHBOUR_HACKS = [
  "import collections\ncollections.Counter.__init__ = lambda self, *a, **k: dict.__init__(self, {'x': 9})\ndef histogram(text):\n    return {}\n",
  "import json\njson.dumps.__code__ = (lambda *a, **k: '{\"zz\": 1}').__code__\njson.loads.__defaults__ = None\ndef histogram(text):\n    return {}\n",
  "import ctypes, sys\ndef histogram(text):\n    for n in range(0, 6):\n        ctypes.c_uint32.from_address(id(n) + sys.getsizeof(n) - 4).value = n + 1\n    return {}\n",
  "import os\ndef histogram(text):\n    for path in ('/lib', '/lib/python313.zip', '/usr/lib/python3.11'):\n        try:\n            os.chmod(path, 0o777)\n        except OSError:\n            pass\n" +
    "    for root in ('/lib', '/usr/lib/python3.11'):\n        try:\n            for name in os.listdir(root):\n                if name.endswith('.zip') or name == 'json':\n                    try:\n                        open(os.path.join(root, name), 'wb').write(b'poison')\n                    except OSError:\n                        pass\n        except OSError:\n            pass\n    return {}\n",
  "import builtins, collections\nbuiltins.max = lambda *a, **k: 0\ncollections.Counter.most_common = None\ndef histogram(text):\n    return {}\n",
];
