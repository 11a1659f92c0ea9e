import type { QueueProgress } from "../queue/submit.js";
import { createBar } from "./options.js";
import { log } from "./output.js";

/** Lines off a TTY: at most one per interval, and the last one always. */
const LINE_INTERVAL_MS = 2_000;

/** Queue progress on stderr: a bar on a TTY, else a line now and then. */
export function createQueueProgress(unit: string): { update(progress: QueueProgress): void; stop(): void } {
  const describe = (progress: QueueProgress) => `${progress.active} running, ${progress.waiting} waiting in the queue`;
  const bar = createBar(`queue |{bar}| {value}/{total} ${unit} | {queue} | ETA {eta_formatted}`);
  if (bar) {
    let started = false;
    return {
      update(progress) {
        if (!started) bar.start(progress.total, progress.done, { queue: describe(progress) });
        started = true;
        bar.update(progress.done, { queue: describe(progress) });
      },
      stop: () => started && bar.stop(),
    };
  }
  let last = 0;
  let lastLine = "";
  return {
    update(progress) {
      const line = `queue: ${progress.done}/${progress.total} ${unit}, ${describe(progress)}`;
      if (line === lastLine || (Date.now() - last < LINE_INTERVAL_MS && progress.done < progress.total)) return;
      last = Date.now();
      lastLine = line;
      log(line);
    },
    stop() {},
  };
}
