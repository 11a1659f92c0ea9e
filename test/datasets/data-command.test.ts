import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { type Server, createServer } from "node:http";
import { type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { registerDataCommand } from "../../src/cli/data.js";
import { runCommand, type CommandOutput } from "../cli/in-process.js";
import { fixturesDir, realDataDir } from "./fixture-data.js";
import { itWithRealData } from "../helpers/requirements.js";

async function run(...args: string[]): Promise<CommandOutput> {
  const output = await runCommand(registerDataCommand, args);
  process.exitCode = 0;
  return output;
}

function serve(root: string): Promise<{ server: Server; baseUrl: string }> {
  const server = createServer((request, response) => {
    const file = join(root, decodeURIComponent(new URL(request.url ?? "/", "http://localhost").pathname));
    if (existsSync(file)) response.writeHead(200).end(readFileSync(file));
    else response.writeHead(404).end();
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve({ server, baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })),
  );
}

const scratch = mkdtempSync(join(tmpdir(), "semtrace-data-command-"));
const fixtureData = join(fixturesDir, "data");
let fixtureServer: Awaited<ReturnType<typeof serve>>;

beforeAll(async () => {
  fixtureServer = await serve(fixtureData);
});
afterAll(() => {
  fixtureServer.server.close();
  rmSync(scratch, { recursive: true, force: true });
});
afterEach(() => {
  process.exitCode = 0;
});

describe("semtrace data list", () => {
  it("prints where each dataset was found as JSON", async () => {
    const cacheDir = mkdtempSync(join(scratch, "cache-"));
    const { stdout, exitCode } = await run("data", "list", "--data-dir", fixtureData, "--cache-dir", cacheDir, "--json");
    expect(exitCode).toBe(0);
    const statuses = JSON.parse(stdout) as Array<{ name: string; files: Array<{ path: string; found?: { path: string; root: string } }> }>;
    const cruxeval = statuses.find((status) => status.name === "cruxeval");
    expect(cruxeval?.files[0]?.found).toEqual({ path: join(fixtureData, "cruxeval", "cruxeval.jsonl"), root: "data-dir" });
    const mbppPlus = statuses.find((status) => status.name === "mbpp+");
    expect(mbppPlus?.files[0]?.found?.path).toBe(join(fixtureData, "mbpp-plus", "MbppPlus-399.json"));
  });

  it("marks missing datasets with the command that fetches them", async () => {
    const cacheDir = mkdtempSync(join(scratch, "cache-"));
    const { stdout } = await run("data", "list", "--data-dir", fixtureData, "--cache-dir", cacheDir);
    expect(stdout).toContain(`cache: ${cacheDir}`);
    expect(stdout).toContain("✔ cruxeval");
    expect(stdout).toMatch(/✖ humaneval — .*\(semtrace data fetch humaneval\)/);
    expect(stdout).toContain("humaneval/HumanEval.jsonl.gz: missing");
  });
});

describe("semtrace data fetch", () => {
  it("exits 1 and saves nothing when the download does not match its checksum", async () => {
    const cacheDir = mkdtempSync(join(scratch, "cache-"));
    const { stderr, exitCode } = await run("data", "fetch", "cruxeval", "--cache-dir", cacheDir, "--base-url", fixtureServer.baseUrl);
    expect(exitCode).toBe(1);
    expect(stderr).toMatch(/Checksum mismatch/);
    expect(readdirSync(cacheDir, { recursive: true }).filter((name) => String(name).endsWith(".jsonl"))).toEqual([]);
  });

  it("exits 2 for an unknown dataset", async () => {
    const { stderr, exitCode } = await run("data", "fetch", "nothing", "--cache-dir", scratch);
    expect(exitCode).toBe(2);
    expect(stderr).toContain('Unknown dataset "nothing"');
  });

  itWithRealData(["cruxeval/cruxeval.jsonl"], "downloads a dataset and reports it", async () => {
    const real = await serve(realDataDir);
    try {
      const cacheDir = mkdtempSync(join(scratch, "cache-"));
      const { stdout, stderr, exitCode } = await run("data", "fetch", "cruxeval", "--cache-dir", cacheDir, "--base-url", real.baseUrl, "--json");
      expect(exitCode).toBe(0);
      expect(stderr).toContain("✔ downloaded");
      const [file] = JSON.parse(stdout) as Array<{ path: string; status: string }>;
      expect(file).toMatchObject({ path: join(cacheDir, "cruxeval", "cruxeval.jsonl"), status: "downloaded" });
      expect(readFileSync(file?.path as string)).toEqual(readFileSync(join(realDataDir, "cruxeval", "cruxeval.jsonl")));
    } finally {
      real.server.close();
    }
  });
});
