import { execFileSync, execSync } from "node:child_process";

/**
 * Once per test run: bubblewrap for the cpython runtime and redis-server for the queue tests
 * (installed from Debian when missing and we are root), and a fresh build, because CLI tests
 * run the real `bin/semtrace.js`.
 */
export default function setup(): void {
  ensureDebianPackage("bwrap", "bubblewrap");
  ensureDebianPackage("redis-server", "redis-server");
  execSync("npm run build --silent", { stdio: "inherit" });
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
