/** /status, /poll and /addportal of src/bot/admin.ts, on the real bot at unit speed. */
import { afterAll, beforeAll, expect, it } from "vitest";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { addPortal } from "../../src/watch/portals.js";
import { createTestBot } from "../support/test-bot.js";
import type { TestBot } from "../support/test-bot.js";
import { bigReport, evilReport, fixtureReports, portalsOf } from "../support/reports.js";

const BOT_ADMIN = { id: 900, first_name: "运维" };

let t: TestBot;
beforeAll(async () => {
  const reports = fixtureReports();
  t = await createTestBot({
    reports: [...reports, bigReport(reports[0]!), evilReport(reports[0]!)],
    portals: portalsOf(reports),
    admins: [BOT_ADMIN.id],
    // The real registry writer (src/watch/portals.ts) on a temp file, as main.ts wires it.
    addPortal: async ({ url, name }) => {
      const r = await addPortal(join(t.dir, "portals.json"), { url, name });
      if (!r.ok) throw new Error(r.error);
      return r.portal;
    },
  });
});
afterAll(async () => {
  await t?.stop();
});

it("/status is for admins only and shows portals, reports and the outbox", async () => {
  const [no] = await t.say(701, { id: 701 }, "/status");
  expect(no!.plain).toBe("此命令仅限管理员使用。");
  const [r] = await t.say(BOT_ADMIN.id, BOT_ADMIN, "/status");
  expect(r!.plain).toContain("门户：3 个");
  expect(r!.plain).toContain("已收录年报：8 份");
  expect(r!.plain).toContain("发送队列：待发 0");
});

it("/poll without a watcher in the process says so", async () => {
  const [r] = await t.say(BOT_ADMIN.id, BOT_ADMIN, "/poll");
  expect(r!.plain).toContain("无法立即检查");
});

it("/addportal adds a portal to the registry file; bad URLs and duplicates are explained", async () => {
  const [no] = await t.say(702, { id: 702 }, "/addportal https://www.example.gov.cn/nb/ 某县");
  expect(no!.plain).toBe("此命令仅限管理员使用。");
  const [bad] = await t.say(BOT_ADMIN.id, BOT_ADMIN, "/addportal javascript:alert(1) 某县");
  expect(bad!.plain).toContain("网址无效");
  const [ok] = await t.say(BOT_ADMIN.id, BOT_ADMIN, "/addportal https://www.example.gov.cn/zwgk/nb/ 某某县人民政府");
  expect(ok!.plain).toMatch(/^已添加门户：某某县人民政府（[a-z0-9-]+）/);
  const file = JSON.parse(await readFile(join(t.dir, "portals.json"), "utf8")) as { url: string; name: string }[];
  expect(file).toMatchObject([{ url: "https://www.example.gov.cn/zwgk/nb/", name: "某某县人民政府" }]);
  const [dup] = await t.say(BOT_ADMIN.id, BOT_ADMIN, "/addportal https://www.example.gov.cn/zwgk/nb/ 另一个名字");
  expect(dup!.plain).toContain("添加门户失败");
  expect(dup!.plain).toContain("已存在");
});
