/**
 * Child process for the kill test: one watch cycle over argv portals into argv store dir, at a
 * fixed clock; prints the summary as JSON when done. The parent SIGKILLs it mid-cycle.
 */
import { LowdbStore } from "../../src/store/lowdb.js";
import { HttpFetcher } from "../../src/watch/fetcher.js";
import { runCycle } from "../../src/watch/cycle.js";
import type { PortalEntry } from "../../src/store/types.js";
import { memoryLog, testConfig } from "./helpers.js";

const [dir, portalsJson, nowIso] = process.argv.slice(2);
if (!dir || !portalsJson || !nowIso) throw new Error("usage: cycle-child.ts DIR PORTALS_JSON NOW");
const store = new LowdbStore(dir);
await store.open();
const fetcher = new HttpFetcher({ hostGapMs: 0, retries: 0, timeoutMs: 5000 });
const s = await runCycle({
  store,
  fetcher,
  portals: JSON.parse(portalsJson) as PortalEntry[],
  now: () => new Date(nowIso),
  log: memoryLog(),
  config: testConfig,
});
await fetcher.close();
await store.close();
process.stdout.write(`${JSON.stringify({ ...s, events: s.events.map((e) => e.id) })}\n`);
