/**
 * A Pyodide interpreter in a worker thread. Hardening happens before any program runs:
 * the wasm heap cannot grow past the memory cap, Python sees no JS globals (so no host
 * filesystem, process or network through `js`), and the JS bridge modules are removed.
 */
import Module, { createRequire } from "node:module";
import { dirname } from "node:path";
import { parentPort, workerData } from "node:worker_threads";
import { loadPyodide, type PyodideInterface } from "pyodide";
import { SharedPhaseBoard } from "./phase-board.js";

interface InitData {
  /** The shared Python modules and reset.py as semtrace_reset.py, by file name. */
  pythonFiles: Record<string, string>;
  memoryMb: number;
  interrupt: SharedArrayBuffer;
  /** The phase board's memory, shared with the host thread (see phase-board.ts). */
  board: SharedArrayBuffer;
}

interface JobMessage {
  type: "job";
  /** The job as UTF-8 JSON (see PyodideSlot.run). */
  job: Uint8Array;
}

const init = workerData as InitData;
const port = parentPort!;

capWasmMemory(init.memoryMb);
denyHostModules();

interface WasmMemory {
  buffer: ArrayBuffer;
  grow(delta: number): number;
}

function capWasmMemory(memoryMb: number): void {
  const capBytes = memoryMb * 1024 * 1024;
  const { Memory } = (globalThis as unknown as { WebAssembly: { Memory: { prototype: WasmMemory } } }).WebAssembly;
  const grow = Memory.prototype.grow;
  // Emscripten grows the heap through Memory.grow; refusing it makes malloc fail, which
  // Python reports as MemoryError instead of the worker exhausting the host.
  Memory.prototype.grow = function (this: WasmMemory, delta: number): number {
    if (this.buffer.byteLength + delta * 65_536 > capBytes) throw new RangeError("memory cap reached");
    return grow.call(this, delta);
  };
}

/**
 * Emscripten's runtime, loaded as CommonJS, calls `require("child_process")` for system()
 * and `require("ws")` for sockets, so in Node `os.system` would run a host shell and a
 * socket would open a real connection. Node's module loader is hooked, before Pyodide loads,
 * to hand out stubs that fail closed: system() reports status 127, hosts are unreachable.
 */
function denyHostModules(): void {
  const denied: Record<string, unknown> = {
    child_process: { spawnSync: () => ({ status: 127, signal: null }) },
    ws: class {
      constructor() {
        throw new Error("network access is disabled in the sandbox");
      }
    },
  };
  const loader = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
  const load = loader._load;
  loader._load = function (this: unknown, request: string, ...rest: unknown[]) {
    const name = request.replace(/^node:/, "");
    return name in denied ? denied[name] : load.call(this, request, ...rest);
  };
}

async function start(): Promise<PyodideInterface> {
  const pyodide = await loadPyodide({
    // Explicit, because Pyodide's own location guess fails inside worker threads.
    indexURL: dirname(createRequire(import.meta.url).resolve("pyodide/package.json")) + "/",
    jsglobals: Object.create(null) as object,
    env: { PYTHONHASHSEED: "0", HOME: "/home/pyodide" },
    stdout: () => undefined,
    stderr: () => undefined,
  });
  pyodide.setInterruptBuffer(new Int32Array(init.interrupt));
  discardProcessOutput(pyodide);
  pyodide.FS.mkdirTree("/semtrace");
  for (const [name, source] of Object.entries(init.pythonFiles)) pyodide.FS.writeFile(`/semtrace/${name}`, source);
  pyodide.unregisterJsModule("js");
  pyodide.unregisterJsModule("pyodide_js");
  pyodide.runPython("import sys; sys.path.insert(0, '/semtrace'); import semtrace_reset; semtrace_reset.setup()");
  return pyodide;
}

/**
 * The harness captures a program's output (capped) through sys.stdout and sys.stderr; what it
 * writes past them (os.write(1, …), sys.__stdout__, /dev/tty) reaches the interpreter's own
 * streams. Those are dropped as they arrive: Pyodide's line-batched writer and Emscripten's
 * ttys collect a line in a JS array one byte per element, and a line of ~113 million bytes
 * without a newline aborts the whole host process (V8 "Fatal JavaScript invalid size error").
 */
function discardProcessOutput(pyodide: PyodideInterface): void {
  const discard = { write: (buffer: Uint8Array) => buffer.length };
  pyodide.setStdout(discard);
  pyodide.setStderr(discard);
  for (const tty of ["/dev/tty", "/dev/tty1"]) pyodide.FS.unlink(tty);
}

function heapBytes(pyodide: PyodideInterface): number {
  return (pyodide as unknown as { _module: { HEAP8: Int8Array } })._module.HEAP8.byteLength;
}

/** Python `bytes` as JavaScript sees them: a proxy to copy out of the wasm heap and release. */
interface PythonBytes {
  toJs(): Uint8Array;
  destroy(): void;
}

/**
 * Python hands over its JSON as UTF-8 bytes, copied out in one piece: passing a `str` converts
 * it one character at a time, which took longer than the tracing for a large trace.
 */
const utf8 = new TextDecoder();
function textOf(bytes: PythonBytes): string {
  const text = utf8.decode(bytes.toJs());
  bytes.destroy();
  return text;
}

/** What Python's board calls, as plain functions on a JS object. */
interface PhaseBoardCalls {
  enter(phase: number): void;
  interruptedPhase(): number;
}

const ready = start();

ready.then(
  (pyodide) => {
    const runJob = pyodide.runPython("semtrace_reset.run_job") as (job: Uint8Array, emit: (message: PythonBytes) => void, board: PhaseBoardCalls) => PythonBytes;
    const board = new SharedPhaseBoard(init.board);
    const boardCalls: PhaseBoardCalls = { enter: (phase) => board.enter(phase), interruptedPhase: () => board.interruptedPhase() };
    port.postMessage({ type: "ready", python: pyodide.runPython("import sys; sys.version.split()[0]") as string });
    port.on("message", (message: JobMessage) => {
      try {
        const body = textOf(runJob(message.job, (emitted) => port.postMessage({ type: "message", text: textOf(emitted) }), boardCalls));
        port.postMessage({ type: "end", end: { kind: "done", body: JSON.parse(body) as unknown }, heapBytes: heapBytes(pyodide) });
      } catch (error) {
        // Only an interpreter failure gets here (os._exit, a wasm trap): the worker is spent.
        port.postMessage({ type: "end", end: { kind: "exit", detail: String(error).slice(0, 500) }, broken: true });
      }
    });
  },
  (error: unknown) => port.postMessage({ type: "failed", error: String(error) }),
);
