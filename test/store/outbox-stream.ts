/**
 * Child process for the outbox crash test: opens a LowdbStore in argv[2], enqueues rows and
 * patches them (several appends in flight at once, so group commit is exercised) forever,
 * printing `n` once row n's patch resolved (i.e. is durable). The parent SIGKILLs it mid-stream.
 */
import { LowdbStore } from "../../src/store/lowdb.js";
import type { OutboxItem } from "../../src/store/types.js";

const dir = process.argv[2];
if (!dir) throw new Error("usage: outbox-stream.ts DIR");
// A tiny compaction policy: the journal is rewritten often, so the kill also lands mid-rewrite.
const store = new LowdbStore(dir, { outboxCompaction: { minLines: 8, factor: 1.2 } });
await store.open();
const row = (n: number): OutboxItem => ({
  key: `${n}:0:e:0`,
  chatId: n,
  eventId: "e",
  text: "提醒".repeat(50),
  status: "pending",
  attempts: 0,
  notBefore: null,
  createdAt: new Date(0).toISOString(),
  sentAt: null,
  messageId: null,
  lastError: null,
});
for (let n = 0; ; n += 4) {
  const batch = [n, n + 1, n + 2, n + 3];
  await store.enqueue(batch.map(row));
  await Promise.all(
    batch.map(async (i) => {
      await store.updateOutbox(row(i).key, { status: "sending", attempts: 1 });
      await store.updateOutbox(row(i).key, { status: "sent", messageId: i, text: "" });
      process.stdout.write(`${i}\n`);
    }),
  );
}
