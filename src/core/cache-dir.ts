import { homedir } from "node:os";
import { join } from "node:path";

/** semtrace's per-user cache: `$XDG_CACHE_HOME/semtrace`, or `~/.cache/semtrace`. */
export function semtraceCacheDir(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const xdg = env.XDG_CACHE_HOME;
  return join(xdg !== undefined && xdg !== "" ? xdg : join(homedir(), ".cache"), "semtrace");
}
