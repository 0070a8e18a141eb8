/**
 * Not a test: prints how long /latest's lookup takes over N stored reports (index build, cached
 * index, match, render). `npx tsx test/bot/measure-latest.ts 10000`
 */
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LowdbStore } from "../../src/store/lowdb.js";
import { matchGroups } from "../../src/bot/queries.js";
import { agencyGroups } from "../../src/bot/agency-index.js";
import { renderLatest } from "../../src/render/replies.js";
import { fixtureReports } from "../support/reports.js";

const N = Number(process.argv[2] ?? 10000);
const dir = await mkdtemp(join(tmpdir(), "nb-measure-"));
const store = new LowdbStore(dir);
await store.open();
const base = fixtureReports();
const rs = Array.from({ length: N }, (_, i) => {
  const b = base[i % base.length]!;
  return { ...b, id: `r${i}`, report: { ...b.report, agency: `${b.report.agency}${Math.floor(i / base.length)}号`, year: 2019 + (i % 6) } };
});
await store.putReports(rs);
for (let k = 0; k < 3; k++) {
  const t0 = performance.now();
  const groups = await agencyGroups(store);
  const t1 = performance.now();
  const m = matchGroups(groups, "淮安市洪泽区人民政府123号");
  const t2 = performance.now();
  const full = await store.getReport(m[0]!.reports[0]!.id);
  const msgs = renderLatest(full!, "zh");
  const t3 = performance.now();
  console.log(`N=${N} groups=${groups.length} allGroups=${(t1 - t0).toFixed(1)}ms match=${(t2 - t1).toFixed(1)}ms render=${(t3 - t2).toFixed(1)}ms matches=${m.length} parts=${msgs.length}`);
}
