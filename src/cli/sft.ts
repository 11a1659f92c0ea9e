import { Option, type Command } from "commander";
import { buildSftDataset, type SftBuildResult } from "../export/build/sft-build.js";
import { loadSftBuildConfig } from "../export/build/sft-config.js";
import { verifySftBuild, type SftVerifyResult } from "../export/build/sft-verify.js";
import { RUNTIME_NAMES } from "../runtime/index.js";
import { createStageProgress } from "./options.js";
import { action, EXIT_FAILURE, writeJson } from "./output.js";

interface SftBuildFlags {
  dataDir?: string;
  out: string;
  json?: boolean;
}

interface SftVerifyFlags {
  dataDir?: string;
  configDir?: string;
  runtime?: string;
  retry: boolean;
  json?: boolean;
}

export function registerSftCommand(program: Command): void {
  const sft = program.command("sft").description("build supervised fine-tuning datasets for trace-informed repair and for trace prediction");
  sft
    .command("build")
    .description(
      "mine or inject repair pairs and render them in every representation, or trace programs as trace-prediction targets; write LLaMA-Factory, OpenAI and TRL files",
    )
    .argument("<config>", "SFT build config (YAML, see schemas/sft-config.schema.json)")
    .option("--data-dir <dir>", "data folder (default: the config's dataDir, then $SEMTRACE_DATA, then the download cache)")
    .requiredOption("--out <dir>", "output folder")
    .option("--json", "print the build summary as JSON")
    .action(
      action(async (path: string, flags: SftBuildFlags) => {
        const { config, directory } = await loadSftBuildConfig(path);
        const progress = createStageProgress();
        let result: SftBuildResult;
        try {
          result = await buildSftDataset(config, {
            outDir: flags.out,
            configDirectory: directory,
            ...(flags.dataDir === undefined ? {} : { dataDir: flags.dataDir }),
            onProgress: progress.update,
          });
        } finally {
          progress.stop();
        }
        const { manifest: _manifest, ...summary } = result;
        if (flags.json) writeJson(summary);
        else process.stdout.write(formatSummary(result, flags.out));
      }),
    );
  sft
    .command("verify")
    .description("re-evaluate every exported target against its pair's tests; exit 1 if any target does not pass")
    .argument("<dir>", "output folder of `semtrace sft build`")
    .option("--data-dir <dir>", "data folder (default: the build config's dataDir, then $SEMTRACE_DATA, then the download cache)")
    .option("--config-dir <dir>", "folder the build config's relative paths (benchmark files) are resolved against (default: the working folder)")
    .addOption(new Option("--runtime <name>", "sandbox runtime (default: the one the build used)").choices(RUNTIME_NAMES))
    .option("--no-retry", "do not re-run a timed-out target with longer time limits")
    .option("--json", "print the result as JSON")
    .action(
      action(async (dir: string, flags: SftVerifyFlags) => {
        const progress = createStageProgress();
        let result: SftVerifyResult;
        try {
          result = await verifySftBuild(dir, {
            ...(flags.dataDir === undefined ? {} : { dataDir: flags.dataDir }),
            ...(flags.configDir === undefined ? {} : { configDirectory: flags.configDir }),
            ...(flags.runtime === undefined ? {} : { runtimeName: flags.runtime }),
            retryTimeouts: flags.retry,
            onProgress: progress.update,
          });
        } finally {
          progress.stop();
        }
        if (flags.json) writeJson(result);
        else process.stdout.write(formatVerification(result));
        if (result.failures.length > 0) process.exitCode = EXIT_FAILURE;
      }),
    );
}

export function formatSummary(result: SftBuildResult, outDir: string): string {
  const lines = [
    result.task === "trace-prediction"
      ? `${result.collectedPairs} executions traced, ${result.keptPairs} replay and fit the cutoff in all ${result.representations.length} formats`
      : `${result.collectedPairs} pairs collected, ${result.keptPairs} fit the cutoff in all ${result.representations.length} representations`,
    `per split (each ${result.task === "trace-prediction" ? "format" : "representation"}: ${result.representations.join(", ")}):`,
    ...Object.entries(result.splits).map(([split, count]) => `  ${split.padEnd(12)} ${count}`),
    "dropped:",
    ...Object.entries(result.dropped)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([reason, count]) => `  ${reason.padEnd(28)} ${count}`),
    `wrote ${result.files.length} files to ${outDir}`,
  ];
  return lines.join("\n") + "\n";
}

export function formatVerification(result: SftVerifyResult): string {
  const width = Math.max(...result.files.map((file) => file.file.length));
  const { retried } = result;
  const lines = [
    ...result.files.map((file) => `${file.file.padEnd(width)}  ${file.passed}/${file.targets} pass`),
    `${result.passed}/${result.targets} targets pass (${result.files.length} files, ${result.programs} distinct programs run)`,
    ...(retried.runs.length === 0
      ? []
      : [
          `${retried.runs.filter((run) => run.passed).length} of ${retried.runs.length} programs that timed out passed when re-run with ${retried.timeoutMultiple}× the time limits:`,
          ...retried.runs.map((run) => `  ${run.passed ? "pass" : "FAIL"}  ${run.pairId}  (first run: ${run.firstVerdict})`),
        ]),
    ...result.failures.map((failure) => `✖ ${failure.file} #${failure.index + 1} ${failure.pairId}: ${failure.verdict}`),
  ];
  return lines.join("\n") + "\n";
}
