/** Lists, after the run, every test skipped with a reason (see requirements.ts): what did not run here, and why. */
import { relative } from "node:path";
import type { Reporter, TestModule } from "vitest/node";

export default class SkipReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const lines: string[] = [];
    for (const module of modules) {
      for (const test of module.children.allTests("skipped")) {
        const result = test.result();
        if (result.state === "skipped" && result.note !== undefined)
          lines.push(`  ${relative(process.cwd(), module.moduleId)} › ${test.fullName}: ${result.note}`);
      }
    }
    if (lines.length > 0) process.stdout.write(`\nSkipped, with the reason:\n${lines.join("\n")}\n\n`);
  }
}
