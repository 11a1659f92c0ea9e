import { ReportRecordSchema } from "../config/report-record-schema.js";
import { ConfigError } from "../core/errors.js";
import { loadJsonl } from "../core/jsonl.js";
import type { ReportRecord } from "../core/report-record.js";

export type { ReportRecord } from "../core/report-record.js";

function recordKey(record: ReportRecord): string {
  return JSON.stringify([record.model, record.strategy, record.representation, record.budget, record.seed, record.taskId]);
}

/**
 * Validates records (typically read from a run store) and rejects duplicates, which would
 * silently weight one task twice. `locate` names where record i came from in error messages.
 */
export function parseReportRecords(records: readonly unknown[], locate: (index: number) => string = (index) => `record ${index}`): ReportRecord[] {
  const parsed: ReportRecord[] = [];
  const seen = new Set<string>();
  records.forEach((value, index) => {
    const result = ReportRecordSchema.safeParse(value);
    if (!result.success) {
      throw new ConfigError(`${locate(index)} is not a valid report record`, {
        issues: result.error.issues.map((issue) => ({
          path: [locate(index), ...issue.path].join("."),
          message: issue.message,
        })),
      });
    }
    const key = recordKey(result.data);
    if (seen.has(key)) {
      throw new ConfigError(`${locate(index)} repeats task ${result.data.taskId} of ${key}: keep one outcome per task, configuration, seed and budget`);
    }
    seen.add(key);
    parsed.push(result.data);
  });
  return parsed;
}

/** Reads records from a JSONL file, one record per line. */
export async function loadReportRecords(path: string): Promise<ReportRecord[]> {
  const lines = await loadJsonl(path);
  const issues = lines.flatMap((line) => (line.ok ? [] : [{ path: `${path}:${line.lineNumber}`, message: line.error }]));
  if (issues.length > 0) throw new ConfigError(`${path} has lines that are not JSON`, { source: path, issues });
  return parseReportRecords(
    lines.map((line) => (line.ok ? line.value : undefined)),
    (index) => `${path}:${lines[index]?.lineNumber}`,
  );
}
