/**
 * The whole path with real components: a group admin subscribes through the bot, an admin runs
 * /poll, the real watcher (createWatcher + HttpFetcher) reads a loopback portal and parses the
 * real 沭阳县发改局 2023 report page, the real notifier fans the event out through the outbox, and
 * the alert arrives in the group via the Bot API emulator with the report's figures.
 */
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { Api } from "grammy";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { createNotifier } from "../../src/notify/notifier.js";
import { HttpFetcher } from "../../src/watch/fetcher.js";
import { createWatcher } from "../../src/watch/scheduler.js";
import { startHarness, type Harness } from "./harness.js";

const REPORT_HTML = readFileSync(fileURLToPath(new URL("../golden/shuyang-fgj-2023-html/source.html", import.meta.url)));
const ADMIN = { id: 100, first_name: "群管理员" };
const OPS = { id: 900, first_name: "运维" };
const G = -100777;

let server: Server;
let listed: string[] = [];
let h: Harness;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === "/nb/") {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      res.end(
        `<html><body><h1>政府信息公开年报</h1><ul>${listed
          .map((u) => `<li><a href="${u}">沭阳县发展和改革局2023年政府信息公开年度报告</a> 2024-01-17</li>`)
          .join("")}</ul></body></html>`,
      );
    } else if (req.url === "/nb/202401/report.html") {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      res.end(REPORT_HTML);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const log = pino({ level: "silent" });
  h = await startHarness({
    admins: [OPS.id],
    portals: [{ id: "sy-fgj", name: "沭阳县发展和改革局", url: `${base}/nb/`, region: "江苏 宿迁 沭阳", level: "department" }],
    services: ({ store, emu, portals }) => {
      const config = loadConfig({ HOST_GAP_MS: "0" });
      const notifier = createNotifier({
        store,
        portals: () => portals,
        api: new Api(emu.token, { apiRoot: emu.apiRoot }),
        adminChatIds: [OPS.id],
        log,
      });
      const watcher = createWatcher({
        store,
        fetcher: new HttpFetcher({ hostGapMs: 0, timeoutMs: 5000 }),
        portals: async () => portals,
        config,
        log,
      });
      return { watcher: { runOnce: () => watcher.runOnce() }, notifier };
    },
  });
  h.emu.addChat({ id: G, type: "supergroup", title: "发改观察" });
  h.emu.setMember(G, ADMIN.id, "administrator");
});

afterAll(async () => {
  await h?.stop();
  await new Promise<void>((r) => server.close(() => r()));
});

describe("subscribe → /poll → alert", () => {
  it("delivers the new report's alert with its real figures to the subscribed group, once", async () => {
    const [sub] = await h.say(G, ADMIN, "/subscribe 沭阳县发展和改革局");
    expect(sub!.plain).toBe("已订阅：机关：沭阳县发展和改革局");

    // First cycle: baseline of the (still empty) column.
    await h.say(OPS.id, OPS, "/poll", 2);
    // The report appears; the next cycle finds it as new.
    listed = ["/nb/202401/report.html"];
    const before = h.emu.messages(G).length;
    const [started, summary] = await h.say(OPS.id, OPS, "/poll", 2);
    expect(started!.plain).toContain("开始检查");
    expect(summary!.plain).toMatch(/新年报: 1/);

    const alert = await h.emu.waitFor(() => h.emu.messages(G).slice(before).find((m) => m.plain.includes("沭阳县发展和改革局")), 15_000);
    expect(alert.parse_mode).toBe("HTML");
    expect(alert.plain).toContain("2023");
    // 一、本年新收 总计 of this report is 26.
    expect(alert.plain).toMatch(/新收[^\n]*26/);

    // A third poll finds nothing new: no second copy.
    await h.say(OPS.id, OPS, "/poll", 2);
    const copies = h.emu.messages(G).filter((m) => m.plain.includes("沭阳县发展和改革局") && /新收[^\n]*26/.test(m.plain));
    expect(copies).toHaveLength(1);
  });
});
