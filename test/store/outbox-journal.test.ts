import { tempDirs } from "../support/temp.js";
import { spawn } from "node:child_process";
import { readFile, writeFile, appendFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { LowdbStore } from "../../src/store/lowdb.js";
import { replayJournal } from "../../src/store/outbox-journal.js";
import type { OutboxItem } from "../../src/store/types.js";

const temp = tempDirs("outbox");
const tempDir = temp.make;
afterAll(temp.cleanup);

function row(key: string, over: Partial<OutboxItem> = {}): OutboxItem {
  return {
    key,
    chatId: Number(key.split(":")[0]),
    eventId: "new:x",
    text: "<b>提醒</b>",
    status: "pending",
    attempts: 0,
    notBefore: null,
    createdAt: "2024-01-01T00:00:00.000Z",
    sentAt: null,
    messageId: null,
    lastError: null,
    ...over,
  };
}

const lineCount = async (dir: string): Promise<number> => (await readFile(join(dir, "outbox.jsonl"), "utf8")).split("\n").filter(Boolean).length;

describe("replayJournal (pure)", () => {
  it("applies inserts, patches (incl. fields set to undefined) and re-keys in queue order", () => {
    const text = [
      JSON.stringify({ i: row("1:0:a:0", { threadId: 5 }) }),
      JSON.stringify({ i: row("2:0:a:0") }),
      JSON.stringify({ k: "1:0:a:0", r: "9:0:a:0", p: { chatId: 9 } }),
      JSON.stringify({ k: "2:0:a:0", p: { status: "sent", messageId: 3 } }),
      JSON.stringify({ k: "9:0:a:0", p: {}, u: ["threadId"] }),
      JSON.stringify({ k: "missing", p: { status: "sent" } }),
      "",
    ].join("\n");
    const r = replayJournal(text);
    expect(r.rows.map((x) => [x.key, x.chatId, x.status])).toEqual([
      ["9:0:a:0", 9, "pending"],
      ["2:0:a:0", 2, "sent"],
    ]);
    expect(r.rows[0]).not.toHaveProperty("threadId");
    expect(r).toMatchObject({ torn: 0, openTail: false, lines: 6 });
  });

  it("skips a torn line (a crash mid-append) wherever a later append left it", () => {
    const good = JSON.stringify({ i: row("1:0:a:0") });
    const torn = JSON.stringify({ k: "1:0:a:0", p: { status: "sent" } }).slice(0, 20);
    expect(replayJournal(`${good}\n${torn}`)).toMatchObject({ torn: 1, openTail: true, rows: [{ status: "pending" }] });
    const later = JSON.stringify({ k: "1:0:a:0", p: { attempts: 2 } });
    expect(replayJournal(`${good}\n${torn}\n${later}\n`).rows[0]).toMatchObject({ status: "pending", attempts: 2 });
    expect(replayJournal(`${good}\n\u0000\u0000\u0000`).rows).toHaveLength(1);
  });
});

describe("LowdbStore outbox journal", () => {
  it("keeps the outbox in outbox.jsonl (state.json stays small) and reads it back exactly", async () => {
    const dir = await tempDir();
    const s = new LowdbStore(dir);
    await s.open();
    await s.enqueue([row("1:0:a:0", { threadId: 7 }), row("2:0:a:0"), row("3:0:a:0")]);
    await s.updateOutbox("1:0:a:0", { status: "sending", attempts: 1 });
    await s.updateOutbox("1:0:a:0", { status: "sent", messageId: 11, text: "", sentAt: "2024-01-02T00:00:00.000Z" });
    await s.updateOutbox("2:0:a:0", { notBefore: "2030-01-01T00:00:00.000Z", lastError: "429 引号\"\\" });
    const before = await s.listOutbox();
    await s.close();
    const state = JSON.parse(await readFile(join(dir, "state.json"), "utf8").catch(() => "{}")) as { outbox?: unknown[] };
    expect(state.outbox ?? []).toEqual([]);
    const t = new LowdbStore(dir);
    await t.open();
    expect(await t.listOutbox()).toEqual(before);
    expect((await t.duePending(new Date("2024-02-01T00:00:00Z"), 10)).map((o) => o.key)).toEqual(["3:0:a:0"]);
    await t.close();
  });

  it("migrates outbox rows of an older state.json into the journal on open", async () => {
    const dir = await tempDir();
    const legacy = [row("1:0:a:0", { status: "sent", messageId: 4 }), row("2:0:a:0"), row("3:0:a:0", { status: "uncertain" })];
    await writeFile(join(dir, "state.json"), JSON.stringify({ version: 1, portals: {}, events: [], nextSeq: 1, meta: { "notifier.cursor": 1 }, chats: {}, subscriptions: [], outbox: legacy }));
    // A crash during an earlier migration left the journal with a newer copy of one row.
    await writeFile(join(dir, "outbox.jsonl"), `${JSON.stringify({ i: row("2:0:a:0", { status: "sent", messageId: 9 }) })}\n`);
    const s = new LowdbStore(dir);
    await s.open();
    expect((await s.listOutbox()).map((o) => [o.key, o.status, o.messageId])).toEqual([
      ["1:0:a:0", "sent", 4],
      ["2:0:a:0", "sent", 9],
      ["3:0:a:0", "uncertain", null],
    ]);
    expect(await s.getMeta("notifier.cursor")).toBe(1);
    await s.close();
    const state = JSON.parse(await readFile(join(dir, "state.json"), "utf8")) as { outbox: unknown[]; meta: unknown };
    expect(state).toMatchObject({ outbox: [], meta: { "notifier.cursor": 1 } });
    const t = new LowdbStore(dir);
    await t.open();
    expect(await t.listOutbox({ status: "sent" })).toHaveLength(2);
    expect(await t.enqueue(legacy)).toBe(0);
    await t.close();
  });

  it("rewrites the journal when it grows much larger than the live rows, losing nothing", async () => {
    const dir = await tempDir();
    const s = new LowdbStore(dir, { outboxCompaction: { minLines: 20, factor: 2 } });
    await s.open();
    await s.enqueue([row("1:0:a:0"), row("2:0:a:0")]);
    for (let i = 1; i <= 30; i++) await s.updateOutbox(i % 2 ? "1:0:a:0" : "2:0:a:0", { attempts: i });
    // Concurrent patches share the journal (group commit) and stay in call order.
    await Promise.all(Array.from({ length: 40 }, (_, i) => s.updateOutbox("1:0:a:0", { attempts: 100 + i })));
    expect(await lineCount(dir)).toBeLessThan(20);
    await s.close();
    const t = new LowdbStore(dir);
    await t.open();
    expect((await t.listOutbox()).map((o) => [o.key, o.attempts])).toEqual([
      ["1:0:a:0", 139],
      ["2:0:a:0", 30],
    ]);
    await t.close();
  });

  it("keeps a migrated chat's rows in place under their new keys across reopen", async () => {
    const dir = await tempDir();
    const s = new LowdbStore(dir);
    await s.open();
    await s.enqueue([row("-5:0:a:0"), row("6:0:a:0"), row("-5:0:b:0", { status: "sent", sentAt: new Date().toISOString() }), row("-5:0:c:0")]);
    await s.migrateChat(-5, -1005);
    const keys = ["-1005:0:a:0", "6:0:a:0", "-5:0:b:0", "-1005:0:c:0"];
    expect((await s.listOutbox()).map((o) => o.key)).toEqual(keys);
    await s.close();
    const t = new LowdbStore(dir);
    await t.open();
    expect((await t.listOutbox()).map((o) => o.key)).toEqual(keys);
    expect((await t.listOutbox({ chatId: -1005 })).map((o) => o.key)).toEqual(["-1005:0:a:0", "-1005:0:c:0"]);
    await t.updateOutbox("-1005:0:c:0", { status: "sent" });
    await t.close();
  });

  it("opens after a torn last line and appends after it cleanly", async () => {
    const dir = await tempDir();
    const s = new LowdbStore(dir);
    await s.open();
    await s.enqueue([row("1:0:a:0"), row("2:0:a:0")]);
    await s.close();
    await appendFile(join(dir, "outbox.jsonl"), '{"k":"1:0:a:0","p":{"status":"se');
    const t = new LowdbStore(dir);
    await t.open();
    expect((await t.listOutbox()).map((o) => o.status)).toEqual(["pending", "pending"]);
    await t.updateOutbox("2:0:a:0", { status: "sent" });
    await t.close();
    const u = new LowdbStore(dir);
    await u.open();
    expect((await u.listOutbox()).map((o) => o.status)).toEqual(["pending", "sent"]);
    await u.close();
  });

  it("survives SIGKILL amid group-committed appends and rewrites: every acknowledged change is there", async () => {
    const dir = await tempDir();
    const script = fileURLToPath(new URL("./outbox-stream.ts", import.meta.url));
    const child = spawn(process.execPath, ["--import", "tsx", script, dir], { stdio: ["ignore", "pipe", "pipe"] });
    const acked = new Set<number>();
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    await new Promise<void>((resolve, reject) => {
      let buf = "";
      child.stdout.on("data", (d: Buffer) => {
        buf += d.toString();
        const lines = buf.split("\n");
        buf = lines.pop() ?? "";
        for (const l of lines) acked.add(Number(l));
        if (acked.size >= 300 && !child.killed) {
          child.kill("SIGKILL");
          resolve();
        }
      });
      child.on("exit", (code) => (acked.size < 300 ? reject(new Error(`writer exited early (${code}): ${stderr}`)) : undefined));
    });
    await new Promise((r) => child.once("close", r));
    expect(child.signalCode).toBe("SIGKILL");
    const s = new LowdbStore(dir);
    await s.open();
    const rows = await s.listOutbox();
    const byChat = new Map(rows.map((o) => [o.chatId, o]));
    for (const n of acked) expect(byChat.get(n), `row ${n}`).toMatchObject({ status: "sent", messageId: n, attempts: 1, text: "" });
    // Queue order and consistency: rows 0..max in order, each in a state the writer produced.
    expect(rows.map((o) => o.chatId)).toEqual(rows.map((_, i) => i));
    for (const o of rows) expect(["pending", "sending", "sent"]).toContain(o.status);
    await s.close();
  });
});
