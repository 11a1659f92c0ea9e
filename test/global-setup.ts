import { execFileSync, execSync } from "node:child_process";
import { readdirSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * Once per test run: bubblewrap for the cpython runtime and redis-server for the queue tests
 * (installed from Debian when missing and we are root), and a build of what changed, because CLI tests
 * run the real `bin/semtrace.js`.
 */
export default function setup(): void {
  ensureDebianPackage("bwrap", "bubblewrap");
  ensureDebianPackage("redis-server", "redis-server");
  buildUnlessCurrent();
}

const ROOT = join(import.meta.dirname, "..");
const BUILD_STAMP = join(ROOT, "dist", ".build-stamp");
const BUILD_INPUTS = ["src", "package.json", "package-lock.json", "tsconfig.json", "tsconfig.build.json", "scripts/copy-assets.js"];

/** The build is skipped when nothing it reads changed since the last one: most test runs edit no source. */
function buildUnlessCurrent(): void {
  const stampTime = modifiedAt(BUILD_STAMP);
  if (stampTime !== undefined && BUILD_INPUTS.every((input) => newestIn(join(ROOT, input)) <= stampTime)) return;
  const started = new Date();
  execSync("npm run build --silent", { stdio: "inherit", cwd: ROOT });
  // Stamped with the start time, so a file edited during the build makes the next run build again.
  writeFileSync(BUILD_STAMP, "");
  utimesSync(BUILD_STAMP, started, started);
}

function modifiedAt(path: string): number | undefined {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

function newestIn(path: string): number {
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  return readdirSync(path).reduce((newest, entry) => Math.max(newest, newestIn(join(path, entry))), stats.mtimeMs);
}

function has(tool: string): boolean {
  try {
    execFileSync("sh", ["-c", `command -v ${tool}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

function ensureDebianPackage(tool: string, pkg: string): void {
  if (has(tool) || process.getuid?.() !== 0 || !has("apt-get")) return;
  execSync(`apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${pkg}`, { stdio: "inherit" });
}
