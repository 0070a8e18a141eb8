/**
 * Child process for the crash test: opens a LowdbStore in argv[2] and writes a numbered stream
 * (events to state.json, reports to reports.json) forever, printing each number once its write
 * resolved (i.e. is durable). The parent SIGKILLs it mid-stream.
 */
import { LowdbStore } from "../../src/store/lowdb.js";
import { sampleStored } from "../support/reports.js";

const dir = process.argv[2];
if (!dir) throw new Error("usage: write-stream.ts DIR");
const store = new LowdbStore(dir);
await store.open();
for (let n = 0; ; n++) {
  if (n % 2 === 0) {
    await store.addEvents([{ id: `new:${n}`, kind: "new", at: new Date(0).toISOString(), portalId: "p", reportIds: [String(n)] }]);
  } else {
    await store.putReport(sampleStored(`r${n}`, { text: "正文".repeat(2000) }));
  }
  process.stdout.write(`${n}\n`);
}
