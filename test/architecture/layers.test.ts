import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

/** The layer order of DESIGN.md: a module imports only from modules to its left. */
const LAYERS: string[][] = [
  ["core"],
  ["config"],
  ["runtime"],
  ["trace"],
  ["analysis"],
  ["representations"],
  ["datasets"],
  ["evaluation"],
  ["tasks"],
  ["pairs"],
  ["reasoning"],
  ["export"],
  ["models"],
  ["scaling"],
  ["experiments"],
  ["queue"],
  ["reporting"],
  ["server"],
  ["cli"],
];

function rank(module: string): number {
  return LAYERS.findIndex((layer) => layer.includes(module));
}

function sourceFiles(folder: string): string[] {
  return readdirSync(folder).flatMap((entry) => {
    const path = join(folder, entry);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith(".ts") ? [path] : [];
  });
}

/** core's domain types are inferred from config's schemas: a type-only edge, with no runtime import. */
function allowedTypeEdge(from: string, target: string, typeOnly: boolean): boolean {
  return typeOnly && from === "core" && target === "config";
}

/** Every import that reaches a module at the same or a later layer, as "from → to". */
function layerViolations(files: Record<string, string>): string[] {
  const violations: string[] = [];
  for (const [file, source] of Object.entries(files)) {
    const from = file.split("/")[0]!;
    if (rank(from) < 0) continue;
    for (const match of source.matchAll(/\b(?:import|export)(\s+type\b)?[^;]*?from\s+"(\.\.?\/[^"]+)"/g)) {
      const target = join(file, "..", match[2]!).split("/")[0]!;
      if (allowedTypeEdge(from, target, match[1] !== undefined)) continue;
      if (target !== from && rank(target) >= rank(from) && rank(target) >= 0) {
        violations.push(`${file} → ${target}`);
      } else if (rank(target) < 0 && target !== from && !target.endsWith(".js")) {
        violations.push(`${file} → unknown module ${target}`);
      }
    }
  }
  return violations;
}

describe("layering", () => {
  it("src/ follows the layer order", () => {
    const root = join(import.meta.dirname, "../../src");
    const files = Object.fromEntries(sourceFiles(root).map((path) => [relative(root, path), readFileSync(path, "utf8")]));
    expect(layerViolations(files)).toEqual([]);
  });

  it("catches a violation (positive control)", () => {
    expect(layerViolations({ "runtime/x.ts": 'import { y } from "../models/y.js";' })).toEqual(["runtime/x.ts → models"]);
    expect(layerViolations({ "cli/x.ts": 'import { y } from "../core/y.js";' })).toEqual([]);
    expect(layerViolations({ "core/x.ts": 'export type { Y } from "../config/y.js";' })).toEqual([]);
    expect(layerViolations({ "core/x.ts": 'import { type Y, z } from "../config/y.js";' })).toEqual(["core/x.ts → config"]);
  });
});
