import { createCpythonRuntime } from "../../src/runtime/cpython/cpython-runtime.js";
import { hackCorpus } from "./hack-corpus.js";

hackCorpus("cpython", (poolSize) => createCpythonRuntime({ poolSize }));
