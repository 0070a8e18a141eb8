/**
 * One writer per DATA_DIR (src/store/lock.ts): a second live writer gets a clear
 * StoreLockedError; a lock whose process died (SIGKILL, a zombie not yet reaped, a pid since
 * reused) never blocks a restart; readers are never blocked. Real child processes throughout.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { LowdbStore } from "../../src/store/lowdb.js";
import { StoreLockedError, lockDir, parseOwner, selfOwner } from "../../src/store/lock.js";
import { tempDirs } from "../support/temp.js";

const temp = tempDirs("lock");
const tempDir = temp.make;
const children: ChildProcess[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  await temp.cleanup();
});

const childScript = fileURLToPath(new URL("./lock-child.ts", import.meta.url));

/** Starts lock-child.ts on `dir`; resolves with its first line ("up <pid>" or "locked <pid>"). */
function startChild(dir: string): { child: ChildProcess; line: Promise<string> } {
  // node --import tsx keeps it one process, so SIGKILL hits the lock holder itself.
  const child = spawn(process.execPath, ["--import", "tsx", childScript, dir], { stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  const line = new Promise<string>((resolve, reject) => {
    let buf = "";
    child.stdout!.on("data", (d: Buffer) => {
      buf += d.toString();
      const nl = buf.indexOf("\n");
      if (nl >= 0) resolve(buf.slice(0, nl));
    });
    child.once("exit", (code, sig) => reject(new Error(`child exited (${code ?? sig}) before a line: ${stderr}`)));
  });
  return { child, line };
}

const lockOwner = async (dir: string) => parseOwner(await readFile(join(dir, ".lock"), "utf8"));

describe("DATA_DIR lock", () => {
  it("holds the lock while a writer is open and releases it on close; readers are not blocked", async () => {
    const dir = await tempDir();
    const a = new LowdbStore(dir, { lock: true });
    await a.open();
    expect(await lockOwner(dir)).toEqual(selfOwner());
    const reader = new LowdbStore(dir);
    await reader.open();
    expect(await reader.countReports()).toBe(0);
    await reader.close();
    await a.close();
    await expect(readFile(join(dir, ".lock"), "utf8")).rejects.toThrow();
    // And it can be taken again at once.
    const b = new LowdbStore(dir, { lock: true });
    await b.open();
    await b.close();
  });

  it("refuses a second writer while another live process holds the lock, naming its pid", async () => {
    const dir = await tempDir();
    const { child, line } = startChild(dir);
    expect(await line).toBe(`up ${child.pid}`);
    for (const kernel of [true, false]) {
      const err = await lockDir(dir, { kernel }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err, `kernel: ${kernel}`).toBeInstanceOf(StoreLockedError);
      expect((err as StoreLockedError).pid).toBe(child.pid);
      expect((err as Error).message).toContain(dir);
    }
    // A second child is refused too, and the holder's lock file is untouched.
    const second = startChild(dir);
    expect(await second.line).toBe(`locked ${child.pid}`);
    expect((await lockOwner(dir))?.pid).toBe(child.pid);
  });

  it("refuses an older version's bare-pid lock while that pid is alive", async () => {
    const dir = await tempDir();
    // A live process other than us: the parent of this test worker.
    await writeFile(join(dir, ".lock"), String(process.ppid));
    const err = await new LowdbStore(dir, { lock: true }).open().then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(StoreLockedError);
    expect((err as Error).message).toContain(String(process.ppid));
  });

  it.each([true, false])("takes over a lock whose process is gone or whose pid was reused (kernel lock: %s)", async (kernel) => {
    const dir = await tempDir();
    const gone = spawnSync(process.execPath, ["-e", "0"]).pid;
    await writeFile(join(dir, ".lock"), JSON.stringify({ pid: gone, start: "1", boot: selfOwner().boot }));
    let release = await lockDir(dir, { kernel });
    expect(await lockOwner(dir)).toEqual(selfOwner());
    await release();
    // A live pid (our parent) with another start time: the recorded owner is gone, its pid reused.
    await writeFile(join(dir, ".lock"), JSON.stringify({ pid: process.ppid, start: "1", boot: selfOwner().boot }));
    release = await lockDir(dir, { kernel });
    expect((await lockOwner(dir))?.pid).toBe(process.pid);
    await release();
    // The same pid and start time but another boot: stale too.
    const parent = spawnSync("cat", [`/proc/${process.ppid}/stat`], { encoding: "utf8" }).stdout;
    const start = parent.slice(parent.lastIndexOf(")") + 2).split(" ")[19];
    await writeFile(join(dir, ".lock"), JSON.stringify({ pid: process.ppid, start, boot: "another-boot" }));
    release = await lockDir(dir, { kernel });
    await release();
    // …while the same owner on this boot is alive and refused.
    await writeFile(join(dir, ".lock"), JSON.stringify({ pid: process.ppid, start, boot: selfOwner().boot }));
    await expect(lockDir(dir, { kernel })).rejects.toBeInstanceOf(StoreLockedError);
  });

  it.each([true, false])("takes over the lock of a SIGKILLed holder that is still a zombie (kernel lock: %s)", async (kernel) => {
    const dir = await tempDir();
    // The holder's parent is a shell that execs `sleep` and never reaps it: after SIGKILL the
    // holder stays a zombie, so its pid still "exists" for kill(pid, 0).
    const cmd = `"${process.execPath}" --import tsx "${childScript}" "${dir}" & exec sleep 600`;
    const sh = spawn("sh", ["-c", cmd], { stdio: ["ignore", "pipe", "ignore"] });
    children.push(sh);
    const up = await new Promise<string>((resolve) => {
      let buf = "";
      sh.stdout!.on("data", (d: Buffer) => {
        buf += d.toString();
        if (buf.includes("\n")) resolve(buf.slice(0, buf.indexOf("\n")));
      });
    });
    const pid = Number(up.split(" ")[1]);
    expect(up).toBe(`up ${pid}`);
    process.kill(pid, "SIGKILL");
    // Wait until the kernel shows it as a zombie (no clock assertions: poll the state).
    for (;;) {
      const stat = await readFile(`/proc/${pid}/stat`, "utf8");
      if (stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z")) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    expect((await lockOwner(dir))?.pid).toBe(pid);
    const release = await lockDir(dir, { kernel });
    expect((await lockOwner(dir))?.pid).toBe(process.pid);
    await release();
  });

  it("crash loop: SIGKILL then an immediate restart, 20 times in a row, every restart comes up", async () => {
    const dir = await tempDir();
    const pids: number[] = [];
    for (let i = 0; i < 20; i++) {
      const { child, line } = startChild(dir);
      const got = await line;
      expect(got, `restart ${i}`).toBe(`up ${child.pid}`);
      pids.push(child.pid!);
      // Kill and restart at once: the next child starts before this one is reaped.
      child.kill("SIGKILL");
    }
    expect(new Set(pids).size).toBe(20);
    // Every run wrote through the lock: 20 events, one per life.
    const s = new LowdbStore(dir);
    await s.open();
    expect((await s.eventsAfter(0)).map((e) => e.id)).toEqual(pids.map((p) => `up:${p}`));
    await s.close();
  }, 180_000);
});
