/** The report's only input; the type is inferred from config/report-record-schema.ts. */
export type { ReportRecord } from "../config/report-record-schema.js";
