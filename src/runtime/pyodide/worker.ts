/**
 * A Pyodide interpreter in a worker thread. Hardening happens before any program runs:
 * the wasm heap cannot grow past the memory cap, Python sees no JS globals (so no host
 * filesystem, process or network through `js`), the JS bridge modules are removed, and
 * nothing outside /tmp and /home can be written, chmod-ed or removed.
 *
 * Every job (one program) starts from the same interpreter image: once set up, the worker
 * copies its WebAssembly memory and the file-system state that lives in JavaScript (open
 * streams, the working folder, the writable folders), and puts both back after each job. No
 * class patch, rewritten function, native memory write or leftover byte of one program (a
 * reference solution's outputs, say) is there for the next. A job that leaves the interpreter
 * unusable (os._exit, a wasm trap) or grows its heap past half the cap retires the worker.
 */
import { createHash } from "node:crypto";
import Module, { createRequire } from "node:module";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { parentPort, threadId, workerData } from "node:worker_threads";
import { loadPyodide, type PyodideInterface } from "pyodide";
import { SharedPhaseBoard } from "./phase-board.js";

interface InitData {
  /** The shared Python modules and reset.py as semtrace_reset.py, by file name. */
  pythonFiles: Record<string, string>;
  memoryMb: number;
  interrupt: SharedArrayBuffer;
  /** The phase board's memory, shared with the host thread (see phase-board.ts). */
  board: SharedArrayBuffer;
  /** Where the interpreter's start-up snapshot is kept; none is kept when absent. */
  snapshotFile?: string;
}

interface JobMessage {
  type: "job";
  /** The job as UTF-8 JSON (see PyodideSlot.run). */
  job: Uint8Array;
  /** The job's own cap on the heap, below the worker's. */
  memoryMb?: number;
}

const init = workerData as InitData;
const port = parentPort!;

/** The running job's cap on the heap's growth, when it has one of its own. */
let jobCapBytes = Number.POSITIVE_INFINITY;
capWasmMemory(init.memoryMb);
denyHostModules();

/** Emscripten's errno numbers. */
const EACCES = 2;
const EPERM = 63;
const WRITABLE_ROOTS = ["/tmp", "/home"];
/** Pyodide makes (and removes) devices here itself, to capture a Python traceback's output. */
const DEVICES = "/dev";

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
    if (this.buffer.byteLength + delta * 65_536 > Math.min(capBytes, jobCapBytes)) throw new RangeError("memory cap reached");
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
  const pyodide = await bootInterpreter();
  pyodide.setInterruptBuffer(new Int32Array(init.interrupt));
  discardProcessOutput(pyodide);
  pyodide.unregisterJsModule("js");
  pyodide.unregisterJsModule("pyodide_js");
  pyodide.runPython("semtrace_reset.setup()");
  protectFiles(pyodide.FS as unknown as EmscriptenFs);
  return pyodide;
}

/**
 * The interpreter with the harness and the modules programs commonly use imported. Pyodide's own
 * start-up (unpacking and initialising CPython) is most of a worker's start, so the state
 * after those imports (before isolation, which `start` applies on every start) is kept as a
 * memory snapshot on disk and later workers start from it. Only
 * trusted code has run when it is taken; the file's name carries the Pyodide version and a
 * hash of the harness sources, so a changed harness or Pyodide never loads a stale one.
 */
async function bootInterpreter(): Promise<PyodideInterface> {
  const require = createRequire(import.meta.url);
  const indexURL = dirname(require.resolve("pyodide/package.json")) + "/";
  // Loaded as CommonJS here, where Pyodide would import it as a module: Node then scans its
  // megabyte for exports first, a tenth of a start from a snapshot. It defines the same global.
  require(`${indexURL}pyodide.asm.js`);
  const options = {
    // Explicit, because Pyodide's own location guess fails inside worker threads.
    indexURL,
    jsglobals: Object.create(null) as object,
    env: { PYTHONHASHSEED: "0", HOME: "/home/pyodide" },
    stdout: () => undefined,
    stderr: () => undefined,
  };
  const file = init.snapshotFile;
  const saved = file !== undefined ? readSnapshot(file) : undefined;
  if (saved) {
    try {
      const pyodide = await loadPyodide({ ...options, _loadSnapshot: saved });
      writeHarness(pyodide);
      return pyodide;
    } catch {
      // An unreadable snapshot is rebuilt below.
    }
  }
  const pyodide = await loadPyodide({ ...options, _makeSnapshot: file !== undefined });
  writeHarness(pyodide);
  // Isolation (semtrace_reset.setup) comes after, on every start: Pyodide finishes its own
  // start-up after loading a snapshot, which needs the modules isolation hides.
  pyodide.runPython("import sys; sys.path.insert(0, '/semtrace'); import semtrace_reset, semtrace_state; semtrace_state.preload()");
  if (file !== undefined) saveSnapshot(file, pyodide.makeMemorySnapshot());
  return pyodide;
}

/**
 * A snapshot file ends with the SHA-256 of what precedes it: Pyodide does not check what it
 * loads, and a damaged snapshot (a disk that filled up, say) hangs its start instead of failing.
 */
const DIGEST_BYTES = 32;

function readSnapshot(file: string): Uint8Array | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    // Missing, or removed as stale by a process of another version between two calls: rebuild.
    return undefined;
  }
  const body = bytes.subarray(0, Math.max(0, bytes.length - DIGEST_BYTES));
  return body.length > 0 && digest(body).equals(bytes.subarray(body.length)) ? body : undefined;
}

function digest(bytes: Uint8Array): Buffer {
  return createHash("sha256").update(bytes).digest();
}

/** The harness's files, which live in JavaScript's file system, not in the snapshot. */
function writeHarness(pyodide: PyodideInterface): void {
  pyodide.FS.mkdirTree("/semtrace");
  for (const [name, source] of Object.entries(init.pythonFiles)) pyodide.FS.writeFile(`/semtrace/${name}`, source);
}

/**
 * Written beside its final name and renamed, so that no worker ever reads half a snapshot;
 * snapshots of other versions in the folder are stale and removed.
 */
function saveSnapshot(file: string, snapshot: Uint8Array): void {
  try {
    const folder = dirname(file);
    mkdirSync(folder, { recursive: true });
    const partial = `${file}.${process.pid}.${threadId}.partial`;
    writeFileSync(partial, Buffer.concat([snapshot, digest(snapshot)]));
    renameSync(partial, file);
    for (const name of readdirSync(folder)) if (name.endsWith(".snapshot") && name !== basename(file)) rmSync(join(folder, name), { force: true });
  } catch {
    // A cache that cannot be written costs only start-up time.
  }
}

/** The parts of Emscripten's FS this worker uses. */
interface FsNode {
  mode: number;
}
interface FsStream {
  position: number;
  fd: number | null;
}
interface EmscriptenFs {
  nodePermissions(node: FsNode, perms: string): number;
  doSetAttr(stream: unknown, node: FsNode, attr: unknown): void;
  utime(path: string, atime: number, mtime: number): void;
  lookupPath(path: string, options: { follow: boolean }): { node: FsNode };
  getPath(node: FsNode): string;
  isChrdev(mode: number): boolean;
  isDir(mode: number): boolean;
  readdir(path: string): string[];
  stat(path: string): { mode: number };
  readFile(path: string): Uint8Array;
  writeFile(path: string, data: Uint8Array): void;
  mkdir(path: string, mode: number): void;
  rmdir(path: string): void;
  unlink(path: string): void;
  chmod(path: string, mode: number): void;
  chdir(path: string): void;
  cwd(): string;
  streams: (FsStream | null)[];
  ErrnoError: new (errno: number) => Error;
}

function isWritablePath(path: string): boolean {
  return WRITABLE_ROOTS.some((root) => path === root || path.startsWith(`${root}/`));
}

/**
 * Permission bits alone do not protect a file in Emscripten: any program may chmod it back.
 * Writing, creating, removing, truncating and changing the attributes of anything outside the
 * writable folders is refused here, below Python, so no program can plant a module or rewrite
 * the standard library's zip for the programs after it.
 */
function protectFiles(fs: EmscriptenFs): void {
  const writable = (node: FsNode) => fs.isChrdev(node.mode) || isWritablePath(fs.getPath(node)) || fs.getPath(node) === DEVICES;
  const nodePermissions = fs.nodePermissions.bind(fs);
  fs.nodePermissions = (node, perms) => (perms.includes("w") && !writable(node) ? EACCES : nodePermissions(node, perms));
  const doSetAttr = fs.doSetAttr.bind(fs);
  fs.doSetAttr = (stream, node, attr) => {
    if (!writable(node)) throw new fs.ErrnoError(EPERM);
    doSetAttr(stream, node, attr);
  };
  const utime = fs.utime.bind(fs);
  fs.utime = (path, atime, mtime) => {
    if (!writable(fs.lookupPath(path, { follow: true }).node)) throw new fs.ErrnoError(EPERM);
    utime(path, atime, mtime);
  };
}

/** A file or folder of the writable folders, as the snapshot keeps it. */
interface SavedEntry {
  path: string;
  mode: number;
  data?: Uint8Array;
}

/** The interpreter image every job starts from: the wasm memory and the file-system state JavaScript holds. */
class CleanImage {
  private readonly memory: Uint8Array;
  private readonly streams: { stream: FsStream | null; position: number }[];
  private readonly cwd: string;
  private readonly entries: SavedEntry[];
  private readonly devices: Set<string>;
  private readonly libraries: number;
  private readonly references: unknown[];

  constructor(private readonly pyodide: PyodideInterface) {
    this.memory = heap(pyodide).slice();
    this.references = [...referenceTable(pyodide)];
    const fs = this.fs;
    this.streams = fs.streams.map((stream) => ({ stream, position: stream?.position ?? 0 }));
    this.cwd = fs.cwd();
    this.entries = WRITABLE_ROOTS.flatMap((root) => walk(fs, root));
    this.devices = new Set(fs.readdir(DEVICES));
    this.libraries = loadedLibraries(pyodide);
  }

  private get fs(): EmscriptenFs {
    return this.pyodide.FS as unknown as EmscriptenFs;
  }

  /** Whether the last job left what a restore cannot undo: a native library loaded into the module. */
  get restorable(): boolean {
    return loadedLibraries(this.pyodide) === this.libraries;
  }

  restore(): void {
    const current = heap(this.pyodide);
    // Memory never shrinks: what a job grew is zeroed, so none of its bytes stay readable.
    if (current.byteLength > this.memory.byteLength) current.fill(0, this.memory.byteLength);
    current.set(this.memory);
    restoreReferences(this.pyodide, this.references);
    const fs = this.fs;
    fs.streams.length = 0;
    this.streams.forEach(({ stream, position }, fd) => {
      fs.streams[fd] = stream;
      if (stream) {
        stream.position = position;
        // A job that closed the descriptor (os.close, os.dup2 over it) marked the stream closed.
        stream.fd = fd;
      }
    });
    // Back to the saved folder first: a folder the job made and entered could not be removed.
    fs.chdir(this.cwd);
    const saved = new Map(this.entries.map((entry) => [entry.path, entry]));
    for (const root of WRITABLE_ROOTS) prune(fs, root, saved);
    for (const name of fs.readdir(DEVICES)) if (!this.devices.has(name)) fs.unlink(`${DEVICES}/${name}`);
    for (const entry of this.entries) {
      if (entry.data === undefined) {
        if (!exists(fs, entry.path)) fs.mkdir(entry.path, entry.mode);
      } else {
        fs.writeFile(entry.path, entry.data);
        fs.chmod(entry.path, entry.mode);
      }
    }
  }
}

function walk(fs: EmscriptenFs, path: string): SavedEntry[] {
  const { mode } = fs.stat(path);
  if (!fs.isDir(mode)) return [{ path, mode, data: fs.readFile(path).slice() }];
  const children = fs.readdir(path).filter((name) => name !== "." && name !== "..");
  return [{ path, mode }, ...children.flatMap((name) => walk(fs, `${path}/${name}`))];
}

/** Removes what is not in the snapshot under `folder`, keeping the saved folders (files are rewritten after). */
function prune(fs: EmscriptenFs, folder: string, saved: Map<string, SavedEntry>): void {
  for (const name of fs.readdir(folder)) {
    if (name === "." || name === "..") continue;
    const path = `${folder}/${name}`;
    const isDir = fs.isDir(fs.lookupPath(path, { follow: false }).node.mode);
    const entry = saved.get(path);
    if (isDir && entry !== undefined && entry.data === undefined) {
      prune(fs, path, saved);
    } else if (isDir) {
      prune(fs, path, new Map());
      fs.rmdir(path);
    } else {
      fs.unlink(path);
    }
  }
}

function exists(fs: EmscriptenFs, path: string): boolean {
  try {
    fs.stat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Pyodide's table of JavaScript values that Python objects refer to by index (its "hiwire"
 * table) lives outside the wasm memory, while the bookkeeping of which index is in use lives
 * inside it: restoring the memory restores the bookkeeping, so the table is put back with it.
 */
interface ReferenceTable {
  __hiwire_get(index: number): unknown;
  __hiwire_set(index: number, value: unknown): number;
}

function* referenceTable(pyodide: PyodideInterface): Generator<unknown> {
  const table = moduleOf(pyodide) as ReferenceTable;
  for (let index = 0; ; index++) {
    let value: unknown;
    try {
      value = table.__hiwire_get(index);
    } catch {
      return; // past the table's end
    }
    yield value;
  }
}

function restoreReferences(pyodide: PyodideInterface, saved: unknown[]): void {
  const table = moduleOf(pyodide) as ReferenceTable;
  let index = 0;
  for (const current of referenceTable(pyodide)) {
    const value = index < saved.length ? saved[index] : null;
    if (current !== value) table.__hiwire_set(index, value);
    index++;
  }
}

function moduleOf(pyodide: PyodideInterface): unknown {
  return (pyodide as unknown as { _module: unknown })._module;
}

function loadedLibraries(pyodide: PyodideInterface): number {
  const loaded = (pyodide as unknown as { _module: { LDSO?: { loadedLibsByName?: object } } })._module.LDSO?.loadedLibsByName;
  return loaded ? Object.keys(loaded).length : 0;
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

function heap(pyodide: PyodideInterface): Uint8Array {
  return (pyodide as unknown as { _module: { HEAPU8: Uint8Array } })._module.HEAPU8;
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
  stopRequested(): boolean;
}

const ready = start();

ready.then(
  (pyodide) => {
    const runJob = pyodide.runPython("semtrace_reset.run_job") as (job: Uint8Array) => PythonBytes;
    const board = new SharedPhaseBoard(init.board);
    const boardCalls: PhaseBoardCalls = {
      enter: (phase) => board.enter(phase),
      interruptedPhase: () => board.interruptedPhase(),
      stopRequested: () => board.stopRequested(),
    };
    const emit = (emitted: PythonBytes) => port.postMessage({ type: "message", text: textOf(emitted) });
    (pyodide.runPython("semtrace_reset.bind") as (emit: (message: PythonBytes) => void, board: PhaseBoardCalls) => void)(emit, boardCalls);
    const python = pyodide.runPython("import sys; sys.version.split()[0]") as string;
    const image = new CleanImage(pyodide);
    const heapLimit = init.memoryMb * 1024 * 1024 * 0.5;
    port.postMessage({ type: "ready", python, heapBytes: heap(pyodide).byteLength });
    port.on("message", (message: JobMessage) => {
      let body: string;
      jobCapBytes = message.memoryMb === undefined ? Number.POSITIVE_INFINITY : message.memoryMb * 1024 * 1024;
      try {
        body = textOf(runJob(message.job));
      } catch (error) {
        // Only an interpreter failure gets here (os._exit, a wasm trap): the worker is spent.
        port.postMessage({ type: "exit", detail: String(error).slice(0, 500) });
        return;
      }
      const spent = !image.restorable || heap(pyodide).byteLength > heapLimit;
      if (!spent) image.restore();
      // The body is the sandbox's word, read (and checked) by the host thread.
      jobCapBytes = Number.POSITIVE_INFINITY;
      port.postMessage({ type: "end", body, broken: spent, heapBytes: heap(pyodide).byteLength });
    });
  },
  (error: unknown) => port.postMessage({ type: "failed", error: String(error) }),
);
