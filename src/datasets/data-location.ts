/**
 * Where benchmark files are found. A data folder is laid out like the upstream names
 * (`humaneval/HumanEval.jsonl.gz`, `mbpp/mbpp.jsonl`, ...). Folders are searched in order:
 * the explicit `dataDir` (CLI `--data-dir DIR`), then `$SEMTRACE_DATA`, then the download
 * cache (`$XDG_CACHE_HOME/semtrace/data`, or `~/.cache/semtrace/data`).
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { semtraceCacheDir } from "../core/cache-dir.js";
import { DataNotFoundError } from "../core/errors.js";

export const dataEnvironmentVariable = "SEMTRACE_DATA";

export interface DataLocationOptions {
  /** A data folder searched first. */
  dataDir?: string;
  /** The download cache; defaults to `defaultCacheDir()`. */
  cacheDir?: string;
  /** Environment to read `SEMTRACE_DATA` and `XDG_CACHE_HOME` from; defaults to process.env. */
  env?: Readonly<Record<string, string | undefined>>;
}

export type DataRootKind = "data-dir" | "env" | "cache";

export interface DataRoot {
  kind: DataRootKind;
  path: string;
}

const rootLabels: Record<DataRootKind, string> = {
  "data-dir": "--data-dir",
  env: dataEnvironmentVariable,
  cache: "download cache",
};

export function defaultCacheDir(env: Readonly<Record<string, string | undefined>> = process.env): string {
  return join(semtraceCacheDir(env), "data");
}

export function resolveCacheDir(options: DataLocationOptions = {}): string {
  return resolve(options.cacheDir ?? defaultCacheDir(options.env ?? process.env));
}

/** The folders searched, in order. */
export function dataRoots(options: DataLocationOptions = {}): DataRoot[] {
  const env = options.env ?? process.env;
  const roots: DataRoot[] = [];
  if (options.dataDir !== undefined) roots.push({ kind: "data-dir", path: resolve(options.dataDir) });
  const fromEnv = env[dataEnvironmentVariable];
  if (fromEnv !== undefined && fromEnv !== "") roots.push({ kind: "env", path: resolve(fromEnv) });
  roots.push({ kind: "cache", path: resolveCacheDir(options) });
  return roots;
}

export interface FoundDataFile {
  path: string;
  root: DataRoot;
  /** Which of the accepted relative paths was found. */
  relativePath: string;
}

/**
 * The first existing file among `relativePaths` (alternative names of the same data, in order
 * of preference), searching each root in turn.
 */
export function findDataFile(relativePaths: string | readonly string[], options: DataLocationOptions = {}): FoundDataFile | undefined {
  const candidates = typeof relativePaths === "string" ? [relativePaths] : relativePaths;
  for (const root of dataRoots(options)) {
    for (const relativePath of candidates) {
      const path = join(root.path, relativePath);
      if (existsSync(path)) return { path, root, relativePath };
    }
  }
  return undefined;
}

export interface RequireDataFileOptions extends DataLocationOptions {
  /** How to obtain the file: the `semtrace data fetch` name, or a sentence for local-only data. */
  obtain: { fetchName: string } | { instructions: string };
}

/** Like findDataFile, but a missing file is a DataNotFoundError that says how to get it. */
export function requireDataFile(relativePaths: string | readonly string[], options: RequireDataFileOptions): FoundDataFile {
  const found = findDataFile(relativePaths, options);
  if (found) return found;
  throw createDataNotFoundError(relativePaths, options);
}

function createDataNotFoundError(relativePaths: string | readonly string[], options: RequireDataFileOptions): DataNotFoundError {
  const candidates = typeof relativePaths === "string" ? [relativePaths] : [...relativePaths];
  const primary = candidates[0] as string;
  const searched = dataRoots(options).map((root) => `${join(root.path, primary)} (${rootLabels[root.kind]})`);
  const how =
    "fetchName" in options.obtain
      ? `Run \`semtrace data fetch ${options.obtain.fetchName}\` to download it into the cache, or pass --data-dir DIR (or set ${dataEnvironmentVariable}=DIR) for a folder that contains ${primary}.`
      : `${options.obtain.instructions} Pass --data-dir DIR (or set ${dataEnvironmentVariable}=DIR) for a folder that contains ${primary}.`;
  const alternatives = candidates.length > 1 ? ` (or ${candidates.slice(1).join(", ")})` : "";
  return new DataNotFoundError(`Missing data file ${primary}${alternatives}. Looked for: ${searched.join("; ")}. ${how}`, {
    file: join((dataRoots(options)[0] as DataRoot).path, primary),
  });
}
