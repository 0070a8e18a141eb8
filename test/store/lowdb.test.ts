import { tempDirs } from "../support/temp.js";
import { readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { ACCEPT_OLDER_FILE, LowdbStore } from "../../src/store/lowdb.js";
import { StoreCorruptError, StoreRollbackError } from "../../src/store/types.js";
import { testStoreDriver } from "./contract.js";

const temp = tempDirs("store");
const tempDir = temp.make;
afterAll(temp.cleanup);

testStoreDriver({
  name: "LowdbStore",
  make: async () => {
    const s = new LowdbStore(await tempDir());
    await s.open();
    return s;
  },
  reopen: async (s) => {
    await s.close();
    const t = new LowdbStore((s as LowdbStore).dir);
    await t.open();
    return t;
  },
});

describe("LowdbStore hardening", () => {
  it.each([
    ["state.json", '{"version":1,"events":[{"id":'],
    ["reports.json", "not json at all"],
    ["state.json", '{"events": 5}'],
    ["state.json", "[]"],
    ["state.json", ""],
    ["reports.json", ""],
    ["reports.json", "\n  \n"],
  ])("refuses to start on a corrupt %s and keeps a backup (%s)", async (file, content) => {
    const dir = await tempDir();
    await writeFile(join(dir, file), content);
    const s = new LowdbStore(dir);
    const err = await s.open().then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(StoreCorruptError);
    const e = err as StoreCorruptError;
    expect(e.message).toContain(join(dir, file));
    expect(e.message).toContain("已损坏");
    expect(await readFile(e.backup, "utf8")).toBe(content);
    // The original stays in place: nothing is silently replaced by an empty store.
    expect(await readFile(join(dir, file), "utf8")).toBe(content);
  });

  it.each(["state.json", "reports.json"])("never overwrites an emptied %s: the other file's data is kept too", async (file) => {
    const dir = await tempDir();
    const s = new LowdbStore(dir);
    await s.open();
    await s.putReport((await import("./contract.js")).sampleStored("r1"));
    await s.putChat({ id: 1, type: "private", active: true, lang: "zh", digest: { mode: "off", time: "08:00" }, quiet: null, lastDigestAt: null, createdAt: "" });
    await s.close();
    const other = file === "state.json" ? "reports.json" : "state.json";
    const otherBefore = await readFile(join(dir, other), "utf8");
    await writeFile(join(dir, file), "");
    for (let i = 0; i < 2; i++) {
      await expect(new LowdbStore(dir).open()).rejects.toBeInstanceOf(StoreCorruptError);
    }
    expect(await readFile(join(dir, file), "utf8")).toBe("");
    expect(await readFile(join(dir, other), "utf8")).toBe(otherBefore);
    // Only a missing file (a new data dir) starts empty.
    const fresh = await tempDir();
    const t = new LowdbStore(fresh);
    await t.open();
    expect(await t.countReports()).toBe(0);
    await t.close();
  });

  it("survives SIGKILL in the middle of a stream of writes: files parse and hold a prefix", async () => {
    const dir = await tempDir();
    const script = fileURLToPath(new URL("./write-stream.ts", import.meta.url));
    // node --import tsx keeps it one process, so SIGKILL hits the writer itself.
    const child = spawn(process.execPath, ["--import", "tsx", script, dir], { stdio: ["ignore", "pipe", "pipe"] });
    let acked = -1;
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    await new Promise<void>((resolve, reject) => {
      let buf = "";
      child.stdout.on("data", (d: Buffer) => {
        buf += d.toString();
        const lines = buf.split("\n");
        buf = lines.pop() ?? "";
        for (const l of lines) acked = Number(l);
        if (acked >= 40) {
          child.kill("SIGKILL");
          resolve();
        }
      });
      child.on("exit", (code) => (acked < 40 ? reject(new Error(`writer exited early (${code}): ${stderr}`)) : undefined));
    });
    await new Promise((r) => child.once("close", r));
    expect(child.signalCode).toBe("SIGKILL");

    const s = new LowdbStore(dir);
    await s.open();
    const events = await s.eventsAfter(0, 1e6);
    const evNums = events.map((e) => Number(e.id.slice(4)));
    // A prefix: 0, 2, 4 … with no gap, covering at least every acknowledged write.
    expect(evNums).toEqual(evNums.map((_, i) => i * 2));
    const lastAckedEven = acked % 2 === 0 ? acked : acked - 1;
    expect(evNums.at(-1)!).toBeGreaterThanOrEqual(lastAckedEven);
    const reports = (await s.findReports({})).map((r) => Number(r.id.slice(1))).sort((a, b) => a - b);
    expect(reports).toEqual(reports.map((_, i) => i * 2 + 1));
    const lastAckedOdd = acked % 2 === 1 ? acked : acked - 1;
    expect(reports.at(-1)!).toBeGreaterThanOrEqual(lastAckedOdd);
    // Seq numbers stay unique after the crash.
    const [next] = await s.addEvents([{ id: "after", kind: "new", at: "", portalId: "p", reportIds: [] }]);
    expect(next!.seq).toBeGreaterThan(events.at(-1)!.seq);
    await s.close();
    // Leftover temp files are allowed (the kill can land mid-write) but never the live files.
    const names = await readdir(dir);
    expect(names).toContain("state.json");
  });
});

describe("LowdbStore beside another process", () => {
  it("close() does not write back a stale copy (a read-only CLI next to the running bot)", async () => {
    const dir = await tempDir();
    const bot = new LowdbStore(dir);
    await bot.open();
    await bot.addEvents([{ id: "e1", kind: "new", at: "", portalId: "p", reportIds: [] }]);
    const cli = new LowdbStore(dir);
    await cli.open();
    await cli.findReports({});
    await bot.addEvents([{ id: "e2", kind: "new", at: "", portalId: "p", reportIds: [] }]);
    await cli.close();
    await bot.close();
    const again = new LowdbStore(dir);
    await again.open();
    expect((await again.eventsAfter(0)).map((e) => e.id)).toEqual(["e1", "e2"]);
    await again.close();
  });
});

describe("LowdbStore reports file", () => {
  it("writes reports.json from cached per-report JSON that reads back exactly (replacements, portal moves)", async () => {
    const dir = await tempDir();
    const s = new LowdbStore(dir);
    await s.open();
    const { sampleStored } = await import("../support/reports.js");
    await s.putReports([sampleStored("a", { portalId: "p1" }), sampleStored("b", { portalId: "p1" }), sampleStored("c", { portalId: "p2" })]);
    await s.putReport(sampleStored("b", { portalId: "p2", contentHash: "c".repeat(64), text: "引号\"与\\反斜杠\n" }));
    expect((await s.findReports({ portalId: "p1" })).map((r) => r.id)).toEqual(["a"]);
    await s.close();
    const raw = JSON.parse(await readFile(join(dir, "reports.json"), "utf8")) as { reports: Record<string, { portalId: string; text?: string }> };
    expect(Object.keys(raw.reports)).toEqual(["a", "b", "c"]);
    expect(raw.reports.b).toMatchObject({ portalId: "p2", text: "引号\"与\\反斜杠\n" });
    const t = new LowdbStore(dir);
    await t.open();
    expect((await t.findReports({ portalId: "p2" })).map((r) => r.id).sort()).toEqual(["b", "c"]);
    expect((await t.getReport("b"))?.contentHash).toBe("c".repeat(64));
    await t.putReport(sampleStored("d", { portalId: "p1" }));
    expect((await t.findReports({ portalId: "p1" })).map((r) => r.id).sort()).toEqual(["a", "d"]);
    await t.close();
  });
});

describe("LowdbStore state file", () => {
  it("writes state.json (cached portal states and events + the rest) as plain JSON", async () => {
    const dir = await tempDir();
    const s = new LowdbStore(dir);
    await s.open();
    const st = { portalId: "p\"1", nextCheckAt: null, lastCheckAt: null, lastOkAt: null, failures: 1, lastError: "HTTP 500：x", baselineDone: true, downAlerted: false, http: {} };
    await s.putPortalState(st);
    await s.putPortalState({ ...st, failures: 2 });
    await s.addEvents([{ id: "e1", kind: "baseline", at: "t", portalId: "p\"1", reportIds: ["a", "b"], detail: { years: [2023] } }]);
    await s.setMeta("notifier.cursor", 7);
    await s.close();
    const d = JSON.parse(await readFile(join(dir, "state.json"), "utf8")) as Record<string, unknown>;
    expect(d).toMatchObject({
      version: 1,
      portals: { 'p"1': { failures: 2, lastError: "HTTP 500：x" } },
      events: [{ id: "e1", seq: 1, reportIds: ["a", "b"], detail: { years: [2023] } }],
      nextSeq: 2,
      meta: { "notifier.cursor": 7 },
      chats: {},
      subscriptions: [],
      outbox: [],
    });
  });
});

describe("LowdbStore refuses a store that went backwards", () => {
  const { sampleStored } = { sampleStored: (id: string) => import("./contract.js").then((m) => m.sampleStored(id)) };
  const ev = (id: string) => ({ id, kind: "new" as const, at: "", portalId: "p", reportIds: [id] });

  /** A store with reports and events, and a copy of both files from an earlier point. */
  async function history(): Promise<{ dir: string; oldState: string; oldReports: string }> {
    const dir = await tempDir();
    const s = new LowdbStore(dir);
    await s.open();
    await s.putReport(await sampleStored("r1"));
    await s.addEvents([ev("new:r1")]);
    const oldState = await readFile(join(dir, "state.json"), "utf8");
    const oldReports = await readFile(join(dir, "reports.json"), "utf8");
    await s.putReports([await sampleStored("r2"), await sampleStored("r3")]);
    await s.addEvents([ev("new:r2"), ev("new:r3")]);
    await s.putReport(await sampleStored("r4"));
    await s.close();
    return { dir, oldState, oldReports };
  }

  const refused = async (dir: string) => {
    const err = await new LowdbStore(dir).open().then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(StoreRollbackError);
    // Every entry point already handles StoreCorruptError: the new error is one.
    expect(err).toBeInstanceOf(StoreCorruptError);
    return err as StoreRollbackError;
  };

  it.each([
    ["reports.json replaced by an older copy", "reports.json", (h: { oldReports: string }) => h.oldReports, /generation 1 with 1 reports.*generation 2 with 3 reports/],
    ["reports.json emptied to {}", "reports.json", () => "{}", /generation 0 with 0 reports/],
    ["reports.json emptied to an empty store", "reports.json", () => '{"version":1,"reports":{}}', /generation 0 with 0 reports/],
    ["reports.json deleted", "reports.json", () => null, /missing, but state\.json records 3 reports/],
    ["state.json replaced by an older copy", "state.json", (h: { oldState: string }) => h.oldState, /events up to seq 1, but reports\.json records .* seq 3/],
    ["state.json deleted", "state.json", () => null, /missing, but reports\.json records/],
  ] as const)("%s: refused, naming the file and what disagrees; nothing changed on disk", async (_name, file, replace, detail) => {
    const h = await history();
    const content = replace(h as { oldReports: string; oldState: string });
    if (content === null) await rm(join(h.dir, file));
    else await writeFile(join(h.dir, file), content);
    const before = await readdir(h.dir);
    const e = await refused(h.dir);
    expect(e.file).toBe(join(h.dir, file));
    expect(e.message).toContain(join(h.dir, file));
    expect(e.message).toMatch(detail);
    expect(e.message).toContain(join(h.dir, ACCEPT_OLDER_FILE));
    expect(await readdir(h.dir)).toEqual(before);
    if (content !== null) expect(await readFile(join(h.dir, file), "utf8")).toBe(content);
  });

  it("opens an older copy accepted on purpose (marker file, used once), without reusing event seqs", async () => {
    const h = await history();
    await writeFile(join(h.dir, "state.json"), h.oldState);
    await refused(h.dir);
    await writeFile(join(h.dir, ACCEPT_OLDER_FILE), "");
    const s = new LowdbStore(h.dir);
    await s.open();
    expect((await s.eventsAfter(0)).map((e) => e.id)).toEqual(["new:r1"]);
    expect(await s.countReports()).toBe(4);
    const [next] = await s.addEvents([ev("after")]);
    expect(next!.seq).toBeGreaterThan(3);
    await s.close();
    await expect(stat(join(h.dir, ACCEPT_OLDER_FILE))).rejects.toThrow();
    // The files agree again; replacing reports.json now is caught again.
    const t = new LowdbStore(h.dir);
    await t.open();
    await t.close();
    await writeFile(join(h.dir, "reports.json"), h.oldReports);
    await refused(h.dir);
  });

  it("files from an older version (no stamps) open as they are", async () => {
    // A crash between the two files' writes is not a rollback either: "survives SIGKILL in the
    // middle of a stream of writes" above reopens after the kill with stamps on both files.
    const dir = await tempDir();
    await writeFile(join(dir, "state.json"), JSON.stringify({ version: 1, portals: {}, events: [{ ...ev("e"), seq: 1 }], nextSeq: 2, meta: {}, chats: {}, subscriptions: [], outbox: [] }));
    await writeFile(join(dir, "reports.json"), JSON.stringify({ version: 1, reports: {} }));
    const s = new LowdbStore(dir);
    await s.open();
    expect(await s.eventsAfter(0)).toHaveLength(1);
    await s.close();
  });
});
