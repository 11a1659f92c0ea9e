/**
 * `GET /metrics`: Prometheus text (prom-client) with requests by endpoint and HTTP status,
 * runs by endpoint and outcome, the work queue's depth and latency histograms. Each server
 * has a registry of its own, so that two servers in one process count apart.
 */
import { Counter, Gauge, Histogram, Registry } from "prom-client";

export interface QueueState {
  running: number;
  waiting: number;
}

export interface ServerMetrics {
  readonly contentType: string;
  /** One answered request: its route (or "unmatched"), status and time from arrival to answer. */
  answered(endpoint: string, statusCode: number, seconds: number): void;
  /** What a request's work came to: one outcome per run (a sample, a program, a trace). */
  ran(endpoint: string, outcomes: readonly string[]): void;
  text(): Promise<string>;
}

/** Seconds: a cached render takes milliseconds, an evaluation of many samples a minute. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

export function createMetrics(queue: () => QueueState): ServerMetrics {
  const registry = new Registry();
  const requests = new Counter({
    name: "semtrace_http_requests_total",
    help: "HTTP requests answered, by endpoint and status code",
    labelNames: ["endpoint", "code"],
    registers: [registry],
  });
  const runs = new Counter({
    name: "semtrace_runs_total",
    help: "Runs by endpoint and outcome (run_code: the response status; trace: the outcome kind; evaluate: each sample's base status; render: rendered)",
    labelNames: ["endpoint", "outcome"],
    registers: [registry],
  });
  const latency = new Histogram({
    name: "semtrace_http_request_duration_seconds",
    help: "Time from a request's arrival to its answer, by endpoint",
    labelNames: ["endpoint"],
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  new Gauge({
    name: "semtrace_queue_depth",
    help: "Requests holding a sandbox slot (running) and waiting for one (waiting)",
    labelNames: ["state"],
    registers: [registry],
    collect() {
      const state = queue();
      this.set({ state: "running" }, state.running);
      this.set({ state: "waiting" }, state.waiting);
    },
  });
  return {
    contentType: registry.contentType,
    answered(endpoint, statusCode, seconds) {
      requests.inc({ endpoint, code: String(statusCode) });
      latency.observe({ endpoint }, seconds);
    },
    ran(endpoint, outcomes) {
      for (const outcome of outcomes) runs.inc({ endpoint, outcome });
    },
    text: () => registry.metrics(),
  };
}
