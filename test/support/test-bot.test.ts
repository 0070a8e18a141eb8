/** The unit-speed test bot checks what Telegram checks, so command tests can trust it. */
import { afterAll, beforeAll, expect, it } from "vitest";
import { Composer } from "grammy";
import type { BotContext } from "../../src/bot/bot.js";
import { createTestBot } from "./test-bot.js";
import type { TestBot } from "./test-bot.js";

let t: TestBot;
beforeAll(async () => {
  const extra = new Composer<BotContext>();
  extra.command("badhtml", (ctx) => ctx.reply("<b>未闭合", { parse_mode: "HTML" }));
  extra.command("toolong", (ctx) => ctx.reply("长".repeat(4097)));
  t = await createTestBot({ extra: [extra] });
});
afterAll(async () => {
  await t?.stop();
});

it("refuses malformed HTML and over-long texts like the Bot API; bot.catch answers instead", async () => {
  for (const cmd of ["/badhtml", "/toolong"]) {
    const sent = await t.say(11, { id: 11 }, cmd);
    expect(sent.map((m) => m.plain)).toEqual(["抱歉，处理时出错了，请稍后再试。"]);
  }
  expect(t.callsOf("sendMessage")).toHaveLength(4);
});

it("records every call and answers with a Message carrying a fresh message_id", async () => {
  const [a] = await t.say(12, { id: 12 }, "/help");
  const [b] = await t.say(12, { id: 12 }, "/help");
  expect(b!.message_id).toBeGreaterThan(a!.message_id);
  expect(t.calls.at(-1)).toMatchObject({ method: "sendMessage", payload: { chat_id: 12, parse_mode: "HTML" } });
});
