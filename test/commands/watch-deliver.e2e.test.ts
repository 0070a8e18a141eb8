/**
 * `nianbao poll --once` with TELEGRAM_BOT_TOKEN set also delivers the alerts its cycle produced
 * (issue #4 "Running it"): portal server and Bot API emulator both on 127.0.0.1.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { commands } from "../../src/commands/watch.js";
import type { CliContext } from "../../src/commands/types.js";
import { EXIT } from "../../src/commands/types.js";
import { LowdbStore } from "../../src/store/lowdb.js";
import { TelegramEmulator } from "../support/telegram-emulator.js";
import type { PortalServer } from "../support/portal-server.js";
import { resources } from "../watch/helpers.js";
import { PT_2019, ptList, startSite } from "../watch/site.js";

const res = resources();
let srv: PortalServer | undefined;
let emu: TelegramEmulator | undefined;
afterEach(async () => {
  await res.cleanup();
  await srv?.close();
  await emu?.stop();
  srv = undefined;
  emu = undefined;
});

async function run(argv: string[], env: Record<string, string>) {
  const out: string[] = [];
  const err: string[] = [];
  const ctx: CliContext = { argv, env, cwd: "/", out: (s) => void out.push(s), err: (s) => void err.push(s) };
  const code = await commands.poll!.run(ctx);
  return { code, out: out.join(""), err: err.join("\n") };
}

describe("poll --once with a token", () => {
  it("delivers the new report's alert to the subscribed group exactly once", async () => {
    const site = await startSite();
    srv = site.srv;
    emu = await TelegramEmulator.start();
    const GROUP = -100777;
    emu.addChat({ id: GROUP, type: "supergroup", title: "政务公开研究群" });
    const dir = await res.dir();
    const portalsFile = join(dir, "portals.json");
    await writeFile(portalsFile, JSON.stringify([site.portals[0]]));
    const env = {
      DATA_DIR: dir,
      PORTALS_FILE: portalsFile,
      HOST_GAP_MS: "0",
      LOG_LEVEL: "silent",
      TELEGRAM_BOT_TOKEN: emu.token,
      TELEGRAM_API_ROOT: emu.apiRoot,
    };

    // Baseline first: the existing 2022/2024 reports make one baseline event.
    const first = await run(["--once"], env);
    expect(first.code).toBe(EXIT.ok);
    expect(first.out).toMatch(/基线 1/);

    // The group subscribes (as the bot's /subscribe would store it).
    const store = new LowdbStore(dir);
    await store.open();
    await store.putChat({
      id: GROUP,
      type: "supergroup",
      title: "政务公开研究群",
      active: true,
      lang: "zh",
      digest: { mode: "off", time: "08:00" },
      quiet: null,
      lastDigestAt: null,
      createdAt: new Date().toISOString(),
    });
    await store.addSubscription({ chatId: GROUP, kind: "agency", value: "平潭", createdAt: new Date().toISOString() });
    await store.close();

    // A new report appears on the column; the next poll finds it and delivers it.
    ptList(srv, [
      { path: PT_2019, title: "平潭综合实验区2019年度政府信息公开工作年度报告" },
      { path: "/pt/202503/t20250310_97791.htm", title: "平潭综合实验区2024年度政府信息公开工作年度报告" },
      { path: "/pt/202302/t20230220_80629.htm", title: "平潭综合实验区2022年度政府信息公开工作年度报告" },
    ]);
    const second = await run(["--once"], env);
    expect(second.code).toBe(EXIT.ok);
    expect(second.out).toMatch(/新报告 1/);
    expect(second.out).toMatch(/Telegram：入队 \d+，已发送 [1-9]/);
    const msgs = emu.messages(GROUP);
    const alert = msgs.map((m) => m.text).join("\n");
    expect(alert).toContain("平潭综合实验区");
    expect(alert).toContain("2019");
    // 平潭 2019 表三 一、本年新收 总计 = 23 (corpus expected.json).
    expect(alert).toMatch(/新收申请：23/);

    // Nothing new: nothing sent twice.
    const third = await run(["--once"], env);
    expect(third.out).toMatch(/新报告 0/);
    expect(emu.messages(GROUP)).toHaveLength(msgs.length);
  });
});
