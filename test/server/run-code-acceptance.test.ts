import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import { createRuntime } from "../../src/runtime/index.js";
import type { Runtime } from "../../src/runtime/runtime.js";
import { RunCodeResponseSchema, type RunCodeResponse } from "../../src/server/run-code.js";
import { buildServer } from "../../src/server/server.js";
import { freePort } from "../helpers/free-port.js";
import { allCorrect, checkCorrectness } from "../helpers/verl-style-client.js";

/** A stdin problem: double the number read. Several inputs, so that no constant answer passes. */
const DOUBLER = { inputs: ["21\n", "-4\n", "1000\n"], outputs: ["42\n", "-8\n", "2000\n"] };
const HONEST = "print(int(input()) * 2)\n";

const base64 = (text: string) => Buffer.from(text).toString("base64");

/** Stdin programs that try to be scored correct without doubling, or to reach another request. */
const HOSTILE: Record<string, string> = {
  "the right output, then os._exit(0) before it is flushed": "import os\nprint(int(input()) * 2)\nos._exit(0)\n",
  "a constant written to fd 1, then os._exit(0)": "import os\nos.write(1, b'42\\n')\nos._exit(0)\n",
  "sys.exit(0) with no output": "import sys\nsys.exit(0)\n",
  "success words instead of the answer": "print('42')\nprint('PASS')\nprint('ALL TESTS PASSED')\n",
  "the right output, then a non-zero exit": "import sys\nprint(int(input()) * 2)\nsys.exit(3)\n",
  "the right output, then killing itself": "import os, sys\nprint(int(input()) * 2)\nsys.stdout.flush()\nos.kill(os.getpid(), 9)\n",
  "the right output, then raising KeyboardInterrupt with SystemExit patched":
    "import builtins\nbuiltins.SystemExit = None\nprint(int(input()) * 2)\nraise KeyboardInterrupt\n",
  "an atexit handler that prints a success word after the answer": "import atexit\natexit.register(print, 'PASS')\nprint(int(input()) * 2)\n",
  "forged harness result lines on every descriptor":
    'import os\nline = b\'{"t":"result","i":0,"result":{"exitCode":0,"stdout":"42\\\\n"}}\\n{"t":"done","body":{}}\\n\'\n' +
    "for fd in range(0, 256):\n    try:\n        os.write(fd, line)\n    except OSError:\n        pass\nos._exit(0)\n",
  "patching the harness's own modules":
    "import sys\nfor name, module in list(sys.modules.items()):\n    if name.startswith('semtrace'):\n        vars(module).clear()\nprint(0)\n",
  "swallowing every interrupt": "while True:\n    try:\n        while True:\n            pass\n    except BaseException:\n        pass\n",
  "ignoring SIGINT": "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass\n",
  "a fork bomb": "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n",
  "a memory hog": "blocks = []\nwhile True:\n    blocks.append(bytearray(64 * 1024 * 1024))\n",
  "a daemon thread that writes after the main thread ends":
    "import os, threading, time\ndef spam():\n    while True:\n        os.write(1, b'42\\n')\n        time.sleep(0.01)\nthreading.Thread(target=spam, daemon=True).start()\ntime.sleep(0.05)\n",
};

/** Left behind by one request for the next: files in the working folder and /tmp, environment, a module. */
const PLANTER =
  "import os, sys, json\nopen('answer.txt', 'w').write('42')\nopen('/tmp/answer.txt', 'w').write('42')\nos.environ['ANSWER'] = '42'\n" +
  "open('json.py', 'w').write('loads = lambda *a, **k: 42')\njson.loads = lambda *a, **k: 42\nprint(0)\n";
const PROBE =
  "import os, json\nseen = [os.path.exists('answer.txt'), os.path.exists('/tmp/answer.txt'), os.environ.get('ANSWER'), json.loads('7')]\n" +
  "print(int(input()) * 2 if seen == [False, False, None, 7] else seen)\n";

/** Searches every file it can read under /tmp, /dev/shm and /proc for `needle`, besides its own program file. */
const SEARCHER = `import os, sys, time
needle = ('SECRET' + '-q9z-' + 'bxw').encode()
if PLANT:
    open('/tmp/planted.txt', 'wb').write(needle)
time.sleep(0.5)
found = 0
own = os.path.realpath(sys.argv[0])
for root in ('/tmp', '/dev/shm', '/proc'):
    for folder, dirs, files in os.walk(root):
        if folder.startswith('/proc/') and folder.count('/') > 3 and not folder.endswith('/fd'):
            dirs[:] = []
        for name in files:
            path = os.path.join(folder, name)
            if path.startswith('/proc/') and name not in ('cmdline', 'environ') and not folder.endswith('/fd'):
                continue
            try:
                if os.path.realpath(path) != own and os.path.isfile(path) and needle in open(path, 'rb').read(1 << 20):
                    found += 1
            except OSError:
                pass
print(found)
`;

async function listen(app: FastifyInstance): Promise<string> {
  return app.listen({ host: "127.0.0.1", port: 0 });
}

async function post(base: string, body: unknown): Promise<RunCodeResponse> {
  const response = await fetch(`${base}/run_code`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  expect(response.status).toBe(200);
  return RunCodeResponseSchema.parse(await response.json());
}

describe.each(["cpython", "pyodide"])("POST /run_code on %s, scored by a verl-style client", (runtimeName) => {
  let runtime: Runtime;
  let app: FastifyInstance;
  let url: string;
  let base: string;
  beforeAll(async () => {
    runtime = createRuntime(runtimeName, { poolSize: 2 });
    app = buildServer({ runtime, concurrency: 4, queueLimit: 64, bodyLimitBytes: 1024 * 1024 });
    base = await listen(app);
    url = `${base}/run_code`;
  }, 60_000);
  afterAll(async () => {
    await app.close();
    await runtime.close();
  });

  it("scores correct, wrong, looping, unparsable and exiting programs as SandboxFusion reports them", async () => {
    expect((await checkCorrectness(url, DOUBLER, HONEST)).results).toEqual([true, true, true]);
    expect((await checkCorrectness(url, DOUBLER, "print(int(input()) * 3)\n")).results).toEqual([false, false, false]);
    const loop = await checkCorrectness(url, DOUBLER, "while True:\n    pass\n", 1);
    expect(loop.results).toEqual([-3, -3, -3]);
    expect(loop.metadata[0]).toMatchObject({ apiStatus: "Failed", runStatus: "TimeLimitExceeded", exitCode: null });
    const syntax = await checkCorrectness(url, DOUBLER, "def f(:\n    pass\n");
    expect(syntax.results).toEqual([-2, -2, -2]);
    expect(syntax.metadata[0]).toMatchObject({ apiStatus: "Failed", runStatus: "Finished" });
    expect(syntax.metadata[0]!.exitCode).not.toBe(0);
    const exit3 = await checkCorrectness(url, DOUBLER, "import sys\nprint(int(input()) * 2)\nsys.exit(3)\n");
    expect(exit3.results).toEqual([-2, -2, -2]);
    expect(exit3.metadata[0]).toMatchObject({ apiStatus: "Failed", exitCode: 3, stdout: "42\n" });
    // CPython loses what print buffered when the process ends by os._exit: a success with no output.
    const hardExit = await checkCorrectness(url, DOUBLER, "import os\nprint(int(input()) * 2)\nos._exit(0)\n");
    expect(hardExit.results).toEqual([false, false, false]);
    expect(hardExit.metadata[0]).toMatchObject({ apiStatus: "Success", exitCode: 0, stdout: "" });
  }, 120_000);

  it("reports stderr, return codes and statuses field by field", async () => {
    const raised = await post(base, { code: "print('partial')\nraise ValueError('boom')", language: "python" });
    expect(raised).toMatchObject({
      status: "Failed",
      message: "",
      compile_result: null,
      files: {},
      run_result: { status: "Finished", return_code: 1, stdout: "partial\n" },
    });
    expect(raised.run_result?.stderr).toMatch(/^Traceback \(most recent call last\):\n.*line 2, in <module>\n.*\nValueError: boom\n$/s);
    expect(raised.run_result?.execution_time).toBeGreaterThan(0);
    const message = await post(base, { code: "import sys\nsys.exit('no answer')", language: "python" });
    expect(message.run_result).toMatchObject({ status: "Finished", return_code: 1, stderr: "no answer\n" });
    const loop = await post(base, { code: "print('started', flush=True)\nwhile True:\n    pass", language: "python", run_timeout: 1 });
    expect(loop).toMatchObject({ status: "Failed", run_result: { status: "TimeLimitExceeded", return_code: null, stdout: "started\n" } });
    expect(loop.run_result?.execution_time).toBeGreaterThanOrEqual(1);
    const memory = await post(base, { code: "x = bytearray(400 * 1024 * 1024)\nprint(len(x))", language: "python", memory_limit_MB: 256 });
    expect(memory).toMatchObject({ status: "Failed", run_result: { status: "Finished", return_code: 1, stdout: "" } });
    expect(memory.run_result?.stderr).toContain("MemoryError");
    const other = await post(base, { code: "console.log(1)", language: "nodejs" });
    expect(other).toMatchObject({ status: "SandboxError", run_result: null });
    expect(other.message).toContain("served languages: python");
  }, 60_000);

  it("writes files into the working folder and returns the fetched ones, leaving out a missing one", async () => {
    const response = await post(base, {
      code: "a, b = map(int, open('in/data.txt').read().split())\nopen('out.txt', 'w').write(str(a + b))\nimport helper\nprint(helper.greeting)",
      language: "python",
      files: { "in/data.txt": base64("5 6"), "helper.py": base64("greeting = 'hi'\n"), "skipped.txt": null },
      fetch_files: ["out.txt", "missing.txt", "skipped.txt"],
    });
    expect(response).toMatchObject({ status: "Success", run_result: { stdout: "hi\n" }, files: { "out.txt": base64("11") } });
    expect(Object.keys(response.files)).toEqual(["out.txt"]);
    for (const body of [{ files: { "../escape.txt": base64("x") } }, { files: { "/tmp/abs.txt": base64("x") } }, { fetch_files: ["../../etc/passwd"] }]) {
      const refused = await post(base, { code: "print(1)", language: "python", ...body });
      expect(refused.status).toBe("SandboxError");
      expect(refused.message).toMatch(/working folder/);
    }
    expect((await post(base, { code: "print(1)", language: "python", files: { "a.txt": "not base64!" } })).message).toContain("not base64");
  }, 60_000);

  for (const [label, program] of Object.entries(HOSTILE)) {
    it(`never scores ${label} as correct, and the next program is scored as if alone`, async () => {
      const hostile = await checkCorrectness(url, DOUBLER, program, 2);
      expect(allCorrect(hostile.results), JSON.stringify(hostile)).toBe(false);
      expect((await checkCorrectness(url, DOUBLER, HONEST)).results).toEqual([true, true, true]);
    }, 180_000);
  }

  it("leaves no file, environment or module behind for the next request", async () => {
    for (let round = 0; round < 3; round++) await post(base, { code: PLANTER, language: "python", files: { "given.txt": base64("mine") } });
    expect((await checkCorrectness(url, DOUBLER, PROBE)).results).toEqual([true, true, true]);
    const fetched = await post(base, { code: "print(1)", language: "python", fetch_files: ["answer.txt", "given.txt", "json.py"] });
    expect(fetched.files).toEqual({});
  }, 60_000);

  it("lets no request read another's input or files while both run", async () => {
    const secret = "SECRET-q9z-bxw";
    const holder = post(base, {
      code: "import time\nsecret = input()\ntime.sleep(3)\nprint(len(secret))",
      language: "python",
      stdin: secret,
      files: { "secret.txt": base64(secret) },
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const searcher = await post(base, { code: SEARCHER.replace("PLANT", "False"), language: "python" });
    // The control: the same search finds what is planted where it can look.
    const planted = await post(base, { code: SEARCHER.replace("PLANT", "True"), language: "python" });
    expect((await holder).run_result?.stdout).toBe(`${secret.length}\n`);
    expect(searcher.run_result?.stdout).toBe("0\n");
    expect(planted.run_result?.stdout).toBe("1\n");
  }, 60_000);

  it("is served the same by `semtrace serve` as a process", async () => {
    const port = await freePort();
    const child: ChildProcess = spawn(
      process.execPath,
      [join(import.meta.dirname, "../../bin/semtrace.js"), "serve", "--runtime", runtimeName, "--port", String(port), "--concurrency", "2"],
      {
        stdio: ["ignore", "ignore", "pipe"],
      },
    );
    try {
      let stderr = "";
      child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      await expect.poll(() => stderr, { timeout: 120_000, interval: 100 }).toContain("listening on");
      const served = `http://127.0.0.1:${port}/run_code`;
      expect((await checkCorrectness(served, DOUBLER, HONEST)).results).toEqual([true, true, true]);
      expect((await checkCorrectness(served, DOUBLER, "while True:\n    pass\n", 1)).results).toEqual([-3, -3, -3]);
      expect((await checkCorrectness(served, DOUBLER, "import os\nprint(int(input()) * 2)\nos._exit(0)\n")).results).toEqual([false, false, false]);
    } finally {
      child.kill("SIGTERM");
      await once(child, "exit");
    }
  }, 240_000);
});
