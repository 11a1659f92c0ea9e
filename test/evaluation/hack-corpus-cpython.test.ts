import { afterAll, describe, expect, it } from "vitest";
import { createCpythonRuntime } from "../../src/runtime/cpython/cpython-runtime.js";
import { hackCorpus } from "./hack-corpus.js";

hackCorpus("cpython", (poolSize) => createCpythonRuntime({ poolSize }));

describe("cpython: the fork server's memory", () => {
  const runtime = createCpythonRuntime({ poolSize: 1 });
  afterAll(() => runtime.close());

  it("cannot be read by the program it forked", async () => {
    const program =
      "import os\ndef peek():\n    parent = os.getppid()\n    try:\n        with open(f'/proc/{parent}/maps') as maps:\n" +
      "            regions = [line.split()[0].split('-') for line in maps if line.split()[1].startswith('r')]\n" +
      "        with open(f'/proc/{parent}/mem', 'rb', buffering=0) as mem:\n            for start, end in regions:\n                try:\n" +
      "                    mem.seek(int(start, 16))\n                    if mem.read(16):\n                        return 'read'\n                except OSError:\n                    pass\n" +
      "    except OSError as error:\n        return type(error).__name__\n    return 'nothing'\n";
    const response = await runtime.execute({ program, entryPoint: "peek", tests: [{ id: "peek", kind: "call", args: "", timeoutMs: 5_000 }] });
    const outcome = response.runs[0]?.outcomes[0];
    expect(outcome?.outcome).toBe("returned");
    expect(outcome?.outcome === "returned" ? outcome.display.repr : "").not.toBe("'read'");
  });
});
