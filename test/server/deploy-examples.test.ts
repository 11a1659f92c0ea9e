import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import type { Command } from "commander";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { createProgram } from "../../src/cli/main.js";

const DEPLOY = join(import.meta.dirname, "../../examples/deploy");

function filesUnder(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(folder, entry.name)) : [join(folder, entry.name)],
  );
}

/** Every string list in a parsed document whose first item is `semtrace`: container commands. */
function commandLists(value: unknown): string[][] {
  if (Array.isArray(value)) {
    if (value[0] === "semtrace" && value.every((item) => typeof item === "string")) return [value as string[]];
    return value.flatMap(commandLists);
  }
  return value !== null && typeof value === "object" ? Object.values(value).flatMap(commandLists) : [];
}

/** The YAML documents of a file; a file that does not parse fails here with its errors. */
function documents(path: string): unknown[] {
  return parseAllDocuments(readFileSync(path, "utf8")).map((document) => {
    expect(document.errors, relative(DEPLOY, path)).toEqual([]);
    return document.toJS();
  });
}

/** The semtrace command lines of a README's shell blocks (a line continued with `\` joined). */
function readmeCommands(path: string): string[][] {
  const blocks = [...readFileSync(path, "utf8").matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1]!.replace(/\\\n/g, " "));
  return blocks
    .flatMap((block) => block.split("\n"))
    .map((line) => line.trim().split(/\s+/))
    .filter((words) => words[0] === "semtrace");
}

/** Why `argv` is not a command line the CLI accepts by name, or undefined. */
function problemWith(program: Command, argv: string[]): string | undefined {
  const [, name, ...rest] = argv;
  let command = program.commands.find((candidate) => candidate.name() === name);
  if (!command) return `no command ${name}`;
  const sub = command.commands.find((candidate) => candidate.name() === rest[0]);
  if (sub) command = sub;
  const known = new Set(command.options.flatMap((option) => [option.long, option.short]).filter((flag) => flag !== undefined));
  const unknown = rest
    .filter((word) => word.startsWith("-"))
    .map((word) => word.split("=")[0]!)
    .filter((flag) => !known.has(flag) && flag !== "--help");
  return unknown.length > 0 ? `${name}: no option ${unknown.join(", ")}` : undefined;
}

describe("the deployment examples in examples/deploy", () => {
  const yamlFiles = filesUnder(DEPLOY).filter((path) => /\.ya?ml$/.test(path));

  it("parse, and hold the services and Kubernetes objects they promise", () => {
    const compose = documents(join(DEPLOY, "compose.yaml"))[0] as { services: Record<string, { command?: string[]; deploy?: { replicas: number } }> };
    expect(Object.keys(compose.services).sort()).toEqual(["redis", "serve", "worker"]);
    expect(compose.services.worker!.deploy!.replicas).toBeGreaterThan(1);
    const kinds = yamlFiles
      .filter((path) => path.includes("kubernetes"))
      .flatMap((path) => documents(path) as { kind: string; metadata: { name: string } }[])
      .map((object) => `${object.kind}/${object.metadata.name}`);
    expect(kinds).toEqual(
      expect.arrayContaining(["Deployment/redis", "Service/redis", "Deployment/semtrace-worker", "Deployment/semtrace-serve", "Service/semtrace-serve"]),
    );
  });

  it("run semtrace serve bound beyond loopback, and workers on the Redis service", () => {
    const commands = yamlFiles.flatMap((path) => documents(path).flatMap(commandLists));
    const serves = commands.filter((argv) => argv[1] === "serve");
    const workers = commands.filter((argv) => argv[1] === "worker");
    expect(serves.length).toBe(2);
    for (const argv of serves) expect(argv.slice(2, 4)).toEqual(["--host", "0.0.0.0"]);
    expect(workers.length).toBe(2);
    for (const argv of workers) expect(argv.slice(2, 4)).toEqual(["--queue", "redis://redis:6379"]);
  });

  const commands = (): string[][] => [
    ...yamlFiles.flatMap((path) => documents(path).flatMap(commandLists)),
    ...readmeCommands(join(DEPLOY, "README.md")),
    [
      "semtrace",
      ...readFileSync(join(DEPLOY, "Dockerfile"), "utf8")
        .match(/CMD \["semtrace", (.*)\]/)![1]!
        .split(", ")
        .map((word) => JSON.parse(word) as string),
    ],
  ];

  it("reference only commands and options the CLI has", async () => {
    const program = await createProgram();
    const found = commands();
    expect(found.map((argv) => argv[1]).sort()).toEqual(["eval", "serve", "serve", "serve", "worker", "worker"]);
    expect(found.map((argv) => problemWith(program, argv)).filter((problem) => problem !== undefined)).toEqual([]);
  });

  it("the check catches a command or option the CLI does not have (positive control)", async () => {
    const program = await createProgram();
    expect(problemWith(program, ["semtrace", "serve", "--hots", "0.0.0.0"])).toBe("serve: no option --hots");
    expect(problemWith(program, ["semtrace", "nothing"])).toBe("no command nothing");
    expect(problemWith(program, ["semtrace", "data", "fetch", "humaneval"])).toBeUndefined();
  });
});
