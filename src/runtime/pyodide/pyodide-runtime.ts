import { join } from "node:path";
import { semtraceCacheDir } from "../../core/cache-dir.js";
import { DEFAULT_LIMITS } from "../runtime.js";
import { SandboxPool } from "../sandbox.js";
import { SandboxRuntime } from "../sandbox-runtime.js";
import { PyodideSlot } from "./pyodide-slot.js";

export interface PyodideRuntimeOptions {
  /** Worker threads; defaults to the number of cores. */
  poolSize?: number;
  /** Cap on each worker's WebAssembly heap. */
  memoryMb?: number;
  /** Where workers keep their start-up snapshot (default: the user's semtrace cache); `null` keeps none. */
  snapshotDir?: string | null;
}

/** Python compiled to WebAssembly in worker threads: no host filesystem, no network. */
export function createPyodideRuntime(options: PyodideRuntimeOptions = {}): SandboxRuntime {
  const memoryMb = options.memoryMb ?? DEFAULT_LIMITS.memoryMb;
  const snapshotDir = options.snapshotDir === undefined ? join(semtraceCacheDir(), "pyodide") : options.snapshotDir;
  let python = "";
  const pool = new SandboxPool(
    async () => {
      const slot = await PyodideSlot.create({ memoryMb, snapshotDir });
      python = slot.python;
      return slot;
    },
    { size: options.poolSize },
  );
  return new SandboxRuntime("pyodide", pool, () => python);
}
