import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { type Server, createServer } from "node:http";
import { type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ConfigError } from "../../src/core/errors.js";
import { DataFetchError, fetchDataset } from "../../src/datasets/data-fetch.js";
import { type DatasetSpec, datasetManifest } from "../../src/datasets/dataset-manifest.js";
import { fixturesDir, realDataDir } from "./fixture-data.js";
import { describeWithRealData } from "../helpers/requirements.js";

/** Serves files of `root` by path; `/truncated/...` promises more bytes than it sends. */
function startServer(root: string): Promise<{ server: Server; baseUrl: string; requests: string[] }> {
  const requests: string[] = [];
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? "/", "http://localhost").pathname);
    requests.push(path);
    if (path.startsWith("/truncated/")) {
      response.writeHead(200, { "content-length": "100000" });
      response.write("partial");
      setTimeout(() => response.socket?.destroy(), 20);
      return;
    }
    const file = join(root, path);
    if (!existsSync(file)) {
      response.writeHead(404).end("not found");
      return;
    }
    response.writeHead(200).end(readFileSync(file));
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, baseUrl: `http://127.0.0.1:${port}`, requests });
    });
  });
}

const fixtureFile = "cruxeval/cruxeval.jsonl";
const fixtureBytes = readFileSync(join(fixturesDir, "data", fixtureFile));
const fixtureSha = createHash("sha256").update(fixtureBytes).digest("hex");

function manifestFor(path: string, sha256: string, url = "https://unreachable.invalid/never"): DatasetSpec[] {
  return [{ name: "toy", description: "a fixture", files: [{ path, url, sha256 }] }];
}

let http: Awaited<ReturnType<typeof startServer>>;
let cacheDir: string;
const scratch = mkdtempSync(join(tmpdir(), "semtrace-fetch-"));

beforeAll(async () => {
  http = await startServer(join(fixturesDir, "data"));
});
afterAll(() => {
  http.server.close();
  rmSync(scratch, { recursive: true, force: true });
});
beforeEach(() => {
  cacheDir = mkdtempSync(join(scratch, "cache-"));
});

const filesUnder = (folder: string): string[] =>
  existsSync(folder)
    ? readdirSync(folder, { recursive: true, withFileTypes: true })
        .filter((entry) => entry.isFile())
        .map((entry) => entry.name)
    : [];

describe("fetchDataset", () => {
  it("downloads into the cache, verifies the checksum, and skips an intact copy next time", async () => {
    const options = { cacheDir, baseUrl: http.baseUrl, manifest: manifestFor(fixtureFile, fixtureSha) };
    const [first] = await fetchDataset("toy", options);
    expect(first).toMatchObject({ dataset: "toy", status: "downloaded", url: `${http.baseUrl}/${fixtureFile}`, sha256: fixtureSha });
    expect(first?.path).toBe(join(cacheDir, "cruxeval", "cruxeval.jsonl"));
    expect(readFileSync(first?.path as string)).toEqual(fixtureBytes);
    expect(filesUnder(cacheDir)).toEqual(["cruxeval.jsonl"]);
    const requestsBefore = http.requests.length;
    const [second] = await fetchDataset("toy", options);
    expect(second?.status).toBe("present");
    expect(http.requests.length).toBe(requestsBefore);
  });

  it("replaces a corrupted copy", async () => {
    const destination = join(cacheDir, "cruxeval", "cruxeval.jsonl");
    mkdirSync(join(cacheDir, "cruxeval"), { recursive: true });
    writeFileSync(destination, "corrupted");
    const [result] = await fetchDataset("toy", { cacheDir, baseUrl: http.baseUrl, manifest: manifestFor(fixtureFile, fixtureSha) });
    expect(result?.status).toBe("downloaded");
    expect(readFileSync(destination)).toEqual(fixtureBytes);
  });

  it("leaves nothing behind when the checksum does not match", async () => {
    const wrong = "0".repeat(64);
    const error = await fetchDataset("toy", { cacheDir, baseUrl: http.baseUrl, manifest: manifestFor(fixtureFile, wrong) }).catch((caught) => caught);
    expect(error).toBeInstanceOf(DataFetchError);
    expect((error as Error).message).toContain(`expected sha256 ${wrong}, got ${fixtureSha}`);
    expect((error as DataFetchError).isRetryable).toBe(false);
    expect(filesUnder(cacheDir)).toEqual([]);
  });

  it("leaves nothing behind on an HTTP error or an interrupted transfer", async () => {
    const missing = await fetchDataset("toy", { cacheDir, baseUrl: http.baseUrl, manifest: manifestFor("no/such.jsonl", fixtureSha) }).catch(
      (caught) => caught,
    );
    expect(missing).toBeInstanceOf(DataFetchError);
    expect((missing as Error).message).toContain("HTTP 404");
    const cut = await fetchDataset("toy", { cacheDir, baseUrl: http.baseUrl, manifest: manifestFor("truncated/file.jsonl", fixtureSha) }).catch(
      (caught) => caught,
    );
    expect(cut).toBeInstanceOf(DataFetchError);
    expect((cut as DataFetchError).isRetryable).toBe(true);
    expect(filesUnder(cacheDir)).toEqual([]);
  });

  it("uses the manifest URL when no base URL is given", async () => {
    const url = `${http.baseUrl}/${fixtureFile}`;
    const [result] = await fetchDataset("toy", { cacheDir, manifest: manifestFor("toy/renamed.jsonl", fixtureSha, url) });
    expect(result?.url).toBe(url);
    expect(readFileSync(join(cacheDir, "toy", "renamed.jsonl"))).toEqual(fixtureBytes);
  });

  it("rejects an unknown dataset name", async () => {
    await expect(fetchDataset("nope", { cacheDir, manifest: manifestFor(fixtureFile, fixtureSha) })).rejects.toThrow(ConfigError);
  });
});

/** Every dataset whose reference copy is in the shared data folder, under its manifest path. */
const verifiable = datasetManifest.filter((spec) => spec.files.every((file) => existsSync(join(realDataDir, file.path))));

const REFERENCE_COPIES = ["humaneval", "humaneval+", "mbpp", "cruxeval", "repair", "candidates"];
const referenceFiles = datasetManifest.filter((spec) => REFERENCE_COPIES.includes(spec.name)).flatMap((spec) => spec.files.map((file) => file.path));

describeWithRealData(referenceFiles, "the manifest checksums", () => {
  let realHttp: Awaited<ReturnType<typeof startServer>>;
  beforeAll(async () => {
    realHttp = await startServer(realDataDir);
  });
  afterAll(() => realHttp.server.close());

  it("match the reference copies", async () => {
    expect(verifiable.map((spec) => spec.name)).toEqual(expect.arrayContaining(REFERENCE_COPIES));
    for (const spec of verifiable) {
      const fetched = await fetchDataset(spec.name, { cacheDir, baseUrl: realHttp.baseUrl });
      expect(fetched.map((file) => file.status)).toEqual(spec.files.map(() => "downloaded"));
    }
  });
});
