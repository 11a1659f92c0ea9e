import { SandboxUnavailableError } from "../../core/errors.js";
import { readPythonSource, sharedPythonSources } from "../python-sources.js";
import { SandboxPool } from "../sandbox.js";
import { SandboxRuntime } from "../sandbox-runtime.js";
import { CpythonSlot } from "./cpython-slot.js";
import { defaultPython, sandboxCommand, stageHarness } from "./isolation.js";

export interface CpythonRuntimeOptions {
  poolSize?: number;
  /** Path of the host interpreter; defaults to /usr/bin/python3, else python3 on PATH. */
  python?: string;
  /** Run without bubblewrap. Untrusted programs then run with the current user's rights. */
  unsafeNoIsolation?: boolean;
}

/** The host's CPython, one fork server per core, each inside bubblewrap. */
export function createCpythonRuntime(options: CpythonRuntimeOptions = {}): SandboxRuntime {
  const python = options.python ?? defaultPython();
  if (!python) throw new SandboxUnavailableError("the cpython runtime needs python3 on this machine; use the default pyodide runtime instead");
  const harnessDir = stageHarness({ ...sharedPythonSources(), "zygote.py": readPythonSource("./zygote.py", import.meta.url) });
  const command = sandboxCommand({ python, harnessDir, unsafeNoIsolation: options.unsafeNoIsolation ?? false });
  let version = "";
  const pool = new SandboxPool(
    async () => {
      const slot = await CpythonSlot.create(command);
      version = slot.python;
      return slot;
    },
    { size: options.poolSize },
  );
  return new SandboxRuntime("cpython", pool, () => version);
}
