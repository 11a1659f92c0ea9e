import { describe, expect, it, vi } from "vitest";
import { SandboxUnavailableError } from "../../src/core/errors.js";
import { createCpythonRuntime } from "../../src/runtime/cpython/cpython-runtime.js";
import { runtimeConformance } from "./conformance.js";

runtimeConformance("cpython", (poolSize) => createCpythonRuntime({ poolSize }));

describe("cpython isolation", () => {
  it("refuses to start without bubblewrap unless explicitly told", () => {
    const path = process.env.PATH;
    process.env.PATH = "/nonexistent";
    try {
      expect(() => createCpythonRuntime({ poolSize: 1 })).toThrow(SandboxUnavailableError);
      expect(() => createCpythonRuntime({ poolSize: 1 })).toThrow(/unsafe-no-isolation/);
    } finally {
      process.env.PATH = path;
    }
  });

  it("leaves no process behind after close", async () => {
    const childPids = () =>
      new Set(
        (process as unknown as { _getActiveHandles(): { pid?: number; constructor: { name: string } }[] })
          ._getActiveHandles()
          .filter((handle) => handle.constructor.name === "ChildProcess")
          .map((handle) => handle.pid!),
      );
    const before = childPids();
    const runtime = createCpythonRuntime({ poolSize: 2 });
    await runtime.trace({ program: "def f():\n    return 1\n", input: { kind: "call", call: "f()" } });
    const started = [...childPids()].filter((pid) => !before.has(pid));
    expect(started).toHaveLength(2);
    await runtime.close();
    const alive = (pid: number) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    await vi.waitFor(() => expect(started.filter(alive)).toEqual([]), { timeout: 5000 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect([...childPids()].filter((pid) => !before.has(pid))).toEqual([]);
  });

  it("survives a program that kills its fork server", async () => {
    const runtime = createCpythonRuntime({ poolSize: 1 });
    try {
      const killer = await runtime.trace({
        program: "import os, signal\ndef f():\n    os.kill(os.getppid(), signal.SIGKILL)\n",
        input: { kind: "call", call: "f()" },
      });
      expect(killer.outcome.kind).toBe("crashed");
      const next = await runtime.trace({ program: "def g():\n    return 5\n", input: { kind: "call", call: "g()" } });
      expect(next.outcome.value?.repr).toBe("5");
    } finally {
      await runtime.close();
    }
  });

  it("runs without isolation only when opted out", async () => {
    const runtime = createCpythonRuntime({ poolSize: 1, unsafeNoIsolation: true });
    try {
      const trace = await runtime.trace({ program: "def f():\n    return 7\n", input: { kind: "call", call: "f()" } });
      expect(trace.outcome.value?.repr).toBe("7");
    } finally {
      await runtime.close();
    }
  });
});
