// Copies the Python harness files (and the protocol they share with the host) next to the compiled JavaScript that loads them.
import { cpSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";

function copyPython(folder) {
  for (const entry of readdirSync(folder)) {
    const path = join(folder, entry);
    if (statSync(path).isDirectory()) copyPython(path);
    else if (entry.endsWith(".py") || entry.endsWith(".md.tmpl") || (folder.endsWith("python") && entry.endsWith(".json")))
      cpSync(path, join("dist", relative("src", path)));
  }
}

copyPython("src");
