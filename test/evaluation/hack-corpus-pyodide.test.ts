import { createPyodideRuntime } from "../../src/runtime/pyodide/pyodide-runtime.js";
import { hackCorpus } from "./hack-corpus.js";

hackCorpus("pyodide", (poolSize) => createPyodideRuntime({ poolSize }));
