/**
 * createBot and registerCommands (src/bot/bot.ts): extra command families, the error boundary
 * (bot.catch) and the command menu, on the real bot at unit speed.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { Composer } from "grammy";
import { pino } from "pino";
import { registerCommands } from "../../src/bot/bot.js";
import type { BotContext } from "../../src/bot/bot.js";
import { createTestBot } from "../support/test-bot.js";
import type { TestBot } from "../support/test-bot.js";

const BOT_ADMIN = { id: 900, first_name: "运维" };

let t: TestBot;
beforeAll(async () => {
  // A command family plugged in through `extra`.
  const extra = new Composer<BotContext>();
  extra.command("echoextra", (ctx) => ctx.reply(`echoextra:${ctx.match}`));
  t = await createTestBot({ admins: [BOT_ADMIN.id], extra: [extra] });
});
afterAll(async () => {
  await t?.stop();
});

it("extra command families are mounted before the unknown-command hint", async () => {
  const [r] = await t.say(703, { id: 703 }, "/echoextra 洪泽区");
  expect(r!.plain).toBe("echoextra:洪泽区");
});

it("a failing reply is caught (bot.catch), answered with a generic error, and other chats go on", async () => {
  t.failNext("sendMessage", 1, { code: 400, description: "Bad Request: something odd" });
  const [r] = await t.say(505, { id: 505 }, "/help");
  expect(r!.plain).toBe("抱歉，处理时出错了，请稍后再试。");
  const [ok] = await t.say(506, { id: 506 }, "/help");
  expect(ok!.plain).toContain("/subscribe");
});

it("registerCommands sets the menu in Chinese (default) and English", async () => {
  const n = await registerCommands(t.bot.api, pino({ level: "silent" }), { ADMIN_CHAT_IDS: [BOT_ADMIN.id] });
  expect(n).toBe(8);
  const admin = t.myCommands({ type: "chat", chat_id: BOT_ADMIN.id }, "")!;
  expect(admin.map((c) => c.command)).toContain("poll");
  const zh = t.myCommands({ type: "default" }, "")!;
  const en = t.myCommands({ type: "default" }, "en")!;
  expect(zh.find((c) => c.command === "subscribe")?.description).toBe("订阅机关、地区或关键词");
  expect(en.find((c) => c.command === "subscribe")?.description).toBe("Subscribe to an agency, region or keyword");
  expect(t.myCommands({ type: "all_group_chats" }, "en")).toHaveLength(zh.length);
  expect(zh.map((c) => c.command)).not.toContain("poll");
});
