import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "../..");
const INDEX = join(ROOT, "src/index.ts");
const DOC = readFileSync(join(ROOT, "docs/api.md"), "utf8");

/** Every name `src/index.ts` exports, types included, as the compiler sees them. */
function publicNames(): string[] {
  const program = ts.createProgram([INDEX], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
  });
  const checker = program.getTypeChecker();
  const symbol = checker.getSymbolAtLocation(program.getSourceFile(INDEX)!);
  return checker.getExportsOfModule(symbol!).map((entry) => entry.getName());
}

/** The ```ts examples of the page, each a module of its own importing from the package's entry point. */
function examples(): string[] {
  return [...DOC.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1]!);
}

const scratch = mkdtempSync(join(ROOT, "test/api/.examples-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("docs/api.md", () => {
  it("documents every export of the package, and only those", () => {
    const names = publicNames();
    expect(names.length).toBeGreaterThan(40);
    const undocumented = names.filter((name) => !DOC.includes(`\`${name}\``) && !DOC.includes(`\`${name}(`));
    expect(undocumented).toEqual([]);
    const documentedFunctions = [...DOC.matchAll(/^### `(\w+)/gm)].map((match) => match[1]!);
    expect(documentedFunctions.filter((name) => !names.includes(name))).toEqual([]);
  });

  it("has examples that type-check against the package as published", () => {
    const files = examples().map((code, index) => {
      const path = join(scratch, `example-${index}.ts`);
      // Each example is a module body: top-level await is allowed, its imports are the package's.
      writeFileSync(path, code.replaceAll('from "semtrace"', `from ${JSON.stringify(INDEX.replace(/\.ts$/, ".js"))}`) + "\nexport {};\n");
      return path;
    });
    expect(files.length).toBeGreaterThan(15);
    const program = ts.createProgram(files, {
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      strict: true,
      noUncheckedIndexedAccess: true,
      noEmit: true,
      skipLibCheck: true,
      types: ["node"],
      lib: ["lib.es2023.d.ts"],
      // Examples show a call and its result; an unused result is not an error.
      noUnusedLocals: false,
    });
    const problems = ts.getPreEmitDiagnostics(program).map((diagnostic) => {
      const where = diagnostic.file
        ? `${diagnostic.file.fileName.slice(scratch.length + 1)}:${diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0).line + 1}`
        : "";
      return `${where} ${ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n")}`;
    });
    expect(problems).toEqual([]);
  }, 120_000);
});
