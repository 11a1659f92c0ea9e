import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, lstatSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SandboxUnavailableError } from "../../core/errors.js";

/** The unprivileged uid the sandbox runs as when semtrace itself runs as root. */
const NOBODY = "65534";

export interface IsolationOptions {
  python: string;
  /** Folder holding the tracer and the fork server, mounted read-only at /semtrace. */
  harnessDir: string;
  /** Run without bubblewrap: the program then has the rights of the current user. */
  unsafeNoIsolation: boolean;
}

export interface SandboxCommand {
  command: string;
  args: string[];
  isolated: boolean;
}

function onPath(tool: string): string | undefined {
  try {
    return execFileSync("/bin/sh", ["-c", `command -v ${tool}`], { encoding: "utf8" }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** The host python3: Debian's /usr/bin/python3 when present, since it lives under /usr. */
export function defaultPython(): string | undefined {
  return existsSync("/usr/bin/python3") ? "/usr/bin/python3" : onPath("python3");
}

function pythonPrefix(python: string): string {
  return execFileSync(python, ["-I", "-c", "import sys; print(sys.base_prefix)"], { encoding: "utf8" }).trim();
}

/**
 * bubblewrap: no network, read-only system, private /tmp, own PID/IPC/UTS namespaces, no
 * /etc or home folders. As root, it is entered through setpriv as an unprivileged uid, so
 * that RLIMIT_NPROC applies (root ignores it).
 */
export function sandboxCommand(options: IsolationOptions, entry = "zygote.py"): SandboxCommand {
  if (options.unsafeNoIsolation) {
    return { command: options.python, args: ["-I", `${options.harnessDir}/${entry}`], isolated: false };
  }
  const bwrap = onPath("bwrap");
  if (!bwrap) {
    throw new SandboxUnavailableError(
      "the cpython runtime needs bubblewrap to isolate untrusted code, and `bwrap` is not installed. " +
        "Install it (Debian/Ubuntu: `apt-get install bubblewrap`), use the default pyodide runtime, " +
        "or pass --unsafe-no-isolation to run programs with your own user's rights.",
    );
  }
  const prefix = pythonPrefix(options.python);
  const binds = ["/usr", ...(prefix.startsWith("/usr") ? [] : [prefix])].flatMap((path) => ["--ro-bind", path, path]);
  const links = ["/bin", "/lib", "/lib64", "/sbin"].flatMap((path) =>
    existsSync(path) && lstatSync(path).isSymbolicLink() ? ["--symlink", `usr${path}`, path] : existsSync(path) ? ["--ro-bind", path, path] : [],
  );
  const args = [
    "--unshare-all",
    "--die-with-parent",
    "--new-session",
    ...binds,
    ...links,
    "--ro-bind",
    options.harnessDir,
    "/semtrace",
    "--proc",
    "/proc",
    "--dev",
    "/dev",
    "--tmpfs",
    "/tmp",
    "--chdir",
    "/tmp",
    "--clearenv",
    "--setenv",
    "PYTHONHASHSEED",
    "0",
    "--setenv",
    "HOME",
    "/tmp",
    "--setenv",
    "LANG",
    "C.UTF-8",
    options.python,
    "-I",
    "-B",
    `/semtrace/${entry}`,
    "--isolated",
  ];
  if (process.getuid?.() === 0) {
    const setpriv = onPath("setpriv");
    if (!setpriv) throw new SandboxUnavailableError("running as root needs `setpriv` (util-linux) to drop privileges before bubblewrap");
    return { command: setpriv, args: [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, "--clear-groups", "--", bwrap, ...args], isolated: true };
  }
  return { command: bwrap, args, isolated: true };
}

/**
 * Copies the tracer and its entry script (the fork server) into a world-readable temporary folder, because
 * the unprivileged sandbox user may not be able to read the install location.
 */
export function stageHarness(files: Record<string, string>): string {
  const folder = mkdtempSync(join(tmpdir(), "semtrace-harness-"));
  chmodSync(folder, 0o755);
  for (const [name, source] of Object.entries(files)) writeFileSync(join(folder, name), source, { mode: 0o644 });
  return folder;
}
