/**
 * Child process for the lock tests: opens a writing LowdbStore (taking the DATA_DIR lock) in
 * argv[2], writes one event, prints `up <pid>` and waits to be killed. On a refused lock it prints
 * `locked <pid in the message>` and exits 3.
 */
import { LowdbStore } from "../../src/store/lowdb.js";
import { StoreLockedError } from "../../src/store/lock.js";

const dir = process.argv[2];
if (!dir) throw new Error("usage: lock-child.ts DIR");
const store = new LowdbStore(dir, { lock: true });
try {
  await store.open();
} catch (e) {
  if (e instanceof StoreLockedError) {
    process.stdout.write(`locked ${e.pid}\n`);
    process.exit(3);
  }
  throw e;
}
await store.addEvents([{ id: `up:${process.pid}`, kind: "baseline", at: new Date(0).toISOString(), portalId: "p", reportIds: [] }]);
process.stdout.write(`up ${process.pid}\n`);
setInterval(() => undefined, 1 << 30);
