/**
 * `npm start` as a real child process (node --import tsx src/main.ts) in an empty temp dir: without a token it
 * says how to enable Telegram, polls a loopback portal and exits cleanly on SIGTERM; with the
 * emulator's apiRoot and token it answers /start end to end.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { TelegramEmulator } from "../support/telegram-emulator.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
// `node --import tsx` runs main.ts in this very process. (The tsx CLI runs it in a grandchild and
// relays signals with a 30 ms handshake; a busy event loop then gets SIGKILLed instead of exiting
// cleanly — so `npm start` should use the same form.)
const TSX_LOADER = pathToFileURL(join(ROOT, "node_modules/tsx/dist/loader.mjs")).href;
const MAIN = join(ROOT, "src/main.ts");

interface Proc {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function run(cwd: string, env: Record<string, string>): Proc {
  const child = spawn(process.execPath, ["--import", TSX_LOADER, MAIN], {
    cwd,
    env: { PATH: process.env.PATH ?? "", HOME: cwd, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString("utf8")));
  child.stderr!.on("data", (d: Buffer) => (out += d.toString("utf8")));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, output: () => out, exited };
}

async function until(pred: () => boolean, what: string, proc: Proc, timeoutMs = 25_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; output:\n${proc.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

let dir: string;
let server: Server;
let hits: string[];
let proc: Proc | null = null;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "nianbao-main-"));
  hits = [];
  server = createServer((req, res) => {
    hits.push(req.url ?? "");
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end("<html><body><h1>政府信息公开年报</h1><ul></ul></body></html>");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  await writeFile(
    join(dir, "portals.json"),
    JSON.stringify([{ id: "loopback", name: "本地测试门户", url: `http://127.0.0.1:${port}/nb/`, region: "测试" }]),
  );
});

afterEach(async () => {
  if (proc && proc.child.exitCode === null) {
    proc.child.kill("SIGKILL");
    await proc.exited;
  }
  proc = null;
  await new Promise<void>((r) => server.close(() => r()));
  await rm(dir, { recursive: true, force: true });
});

const baseEnv = (): Record<string, string> => ({
  DATA_DIR: join(dir, "data"),
  PORTALS_FILE: join(dir, "portals.json"),
  LOG_LEVEL: "info",
  HOST_GAP_MS: "0",
});

describe("npm start (src/main.ts)", () => {
  it("without a token: one clear line on enabling Telegram, the watcher polls, SIGTERM exits 0", async () => {
    proc = run(dir, baseEnv());
    const p = proc;
    await until(() => p.output().includes("TELEGRAM_BOT_TOKEN"), "the no-token line", p);
    await until(() => hits.length > 0, "a request to the loopback portal", p);
    p.child.kill("SIGTERM");
    expect(await p.exited).toBe(0);
    const out = p.output();
    expect(out.split("\n").filter((l) => l.includes("请在 .env 中设置 TELEGRAM_BOT_TOKEN"))).toHaveLength(1);
    expect(out).toContain("bye");
    expect(hits[0]).toBe("/nb/");
  });

  it("a bad variable → exit code 5 naming the variable, never its value", async () => {
    proc = run(dir, { ...baseEnv(), TELEGRAM_BOT_TOKEN: "not-a-token-secret-value", LOG_LEVEL: "loud" });
    expect(await proc.exited).toBe(5);
    expect(proc.output()).toContain("TELEGRAM_BOT_TOKEN");
    expect(proc.output()).toContain("LOG_LEVEL");
    expect(proc.output()).not.toContain("not-a-token-secret-value");
  });

  it("an unreachable Bot API is logged without the token, and the watcher keeps running", async () => {
    const dead = createServer();
    await new Promise<void>((r) => dead.listen(0, "127.0.0.1", r));
    const port = (dead.address() as AddressInfo).port;
    await new Promise<void>((r) => dead.close(() => r()));
    const token = "123456:SECRETsecretSECRETsecret_0123456789";
    proc = run(dir, { ...baseEnv(), TELEGRAM_BOT_TOKEN: token, TELEGRAM_API_ROOT: `http://127.0.0.1:${port}` });
    const p = proc;
    await until(() => p.output().includes("cannot reach the Telegram Bot API"), "the bot error line", p);
    await until(() => hits.length > 0, "the watcher to poll anyway", p);
    p.child.kill("SIGTERM");
    expect(await p.exited).toBe(0);
    expect(p.output()).not.toContain("SECRETsecret");
  });

  it("with the emulator's apiRoot and a token: answers /start end to end, registers commands, exits 0", async () => {
    const emu = await TelegramEmulator.start();
    try {
      proc = run(dir, { ...baseEnv(), TELEGRAM_BOT_TOKEN: emu.token, TELEGRAM_API_ROOT: emu.apiRoot });
      const p = proc;
      await until(() => p.output().includes("Telegram bot started"), "the bot to start", p);
      emu.userMessage(4242, { id: 4242, first_name: "用户" }, "/start");
      const reply = await emu.waitFor(() => emu.messages(4242)[0], 20_000);
      expect(reply.plain).toContain("/subscribe");
      await emu.waitFor(() => emu.myCommands({ type: "default" }, "en"), 10_000);
      p.child.kill("SIGTERM");
      expect(await p.exited).toBe(0);
      expect(p.output()).not.toContain(emu.token);
    } finally {
      await emu.stop();
    }
  });
});
