// Sums the reports of vitest, Playwright and pytest into one closing line: "tests: N passed, N failed".
import fs from "node:fs";
import path from "node:path";

const dir = process.argv[2] ?? "test-reports";
const read = (f) => (fs.existsSync(path.join(dir, f)) ? fs.readFileSync(path.join(dir, f), "utf8") : null);
let passed = 0, failed = 0, skipped = 0;
const parts = [];

const vitest = read("vitest.json");
if (vitest) {
  const v = JSON.parse(vitest);
  passed += v.numPassedTests; failed += v.numFailedTests; skipped += v.numPendingTests + (v.numTodoTests ?? 0);
  parts.push(`vitest ${v.numPassedTests}/${v.numTotalTests}`);
}
const pw = read("playwright.json");
if (pw) {
  const s = JSON.parse(pw).stats;
  passed += s.expected; failed += s.unexpected + s.flaky; skipped += s.skipped;
  parts.push(`playwright ${s.expected}/${s.expected + s.unexpected + s.flaky + s.skipped}`);
}
const junit = read("pytest.xml");
if (junit) {
  const m = junit.match(/<testsuite [^>]*>/)?.[0] ?? "";
  const n = (k) => Number(m.match(new RegExp(`${k}="(\\d+)"`))?.[1] ?? 0);
  const f = n("failures") + n("errors"), s = n("skipped"), t = n("tests");
  passed += t - f - s; failed += f; skipped += s;
  parts.push(`pytest ${t - f - s}/${t}`);
}
if (parts.length === 0) { console.log("tests: no test report found"); process.exit(1); }
console.log(`(${parts.join(", ")})`);
console.log(`tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
