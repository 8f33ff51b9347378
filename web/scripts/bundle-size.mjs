// The JavaScript a browser loads before the first page: the entry script and the chunks
// index.html preloads, gzipped (level 9). Fails above the budget (issue: ≤ 300 KB gzip).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const budgetBytes = 300 * 1024;
const dist = "dist";
const html = readFileSync(join(dist, "index.html"), "utf8");
const scripts = [...html.matchAll(/<script[^>]+src="([^"]+\.js)"/g), ...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+\.js)"/g)].map(
    (m) => m[1],
);
if (scripts.length === 0) {
    console.error("bundle size: no script found in dist/index.html; run `npm run build` first.");
    process.exit(1);
}
let total = 0;
for (const src of new Set(scripts)) {
    const bytes = gzipSync(readFileSync(join(dist, src)), { level: 9 }).length;
    total += bytes;
    console.log(`  ${src}: ${(bytes / 1024).toFixed(1)} KB gzip`);
}
console.log(`bundle size: initial JavaScript ${(total / 1024).toFixed(1)} KB gzip (budget ${budgetBytes / 1024} KB)`);
process.exit(total <= budgetBytes ? 0 : 1);
