import { afterEach, describe, expect, it } from "vitest";
import { Api, Bot, GrammyError, InputFile, HttpError } from "grammy";
import { TelegramEmulator, parseTelegramHtml } from "./telegram-emulator.js";

let emu: TelegramEmulator | undefined;
afterEach(async () => {
  await emu?.stop();
  emu = undefined;
});

async function fail(p: Promise<unknown>): Promise<GrammyError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof GrammyError) return e;
    throw e;
  }
  throw new Error("expected a GrammyError");
}

describe("TelegramEmulator", () => {
  it("parses Telegram HTML and rejects malformed markup", () => {
    const r = parseTelegramHtml("<b>局&lt;x&gt;</b> &amp; <a href=\"https://e.cn/?a=1&amp;b=2\">链接</a>");
    expect(r.text).toBe("局<x> & 链接");
    expect(r.entities).toEqual([
      { type: "bold", offset: 0, length: 4 },
      { type: "text_link", offset: 7, length: 2, url: "https://e.cn/?a=1&b=2" },
    ]);
    expect(() => parseTelegramHtml("<b>局</i>")).toThrow(/can't parse entities/);
    expect(() => parseTelegramHtml("a < b")).toThrow(/can't parse entities/);
    expect(() => parseTelegramHtml("<script>x</script>")).toThrow(/Unsupported start tag "script"/);
    expect(() => parseTelegramHtml("<b>open")).toThrow(/end tag/);
  });

  it("answers grammy's Api over HTTP: sendMessage, limits of text, edit, 404, 401", async () => {
    emu = await TelegramEmulator.start();
    emu.addChat({ id: 42, type: "private" });
    const api = new Api(emu.token, { apiRoot: emu.apiRoot });
    expect((await api.getMe()).username).toBe(emu.botInfo.username);
    const m = await api.sendMessage(42, "<b>你好</b> &lt;", { parse_mode: "HTML", disable_notification: true });
    expect(m.text).toBe("你好 <");
    expect(emu.messages(42)).toMatchObject([{ text: "<b>你好</b> &lt;", plain: "你好 <", disable_notification: true }]);
    // 4096 counts after entity parsing: 4096 visible chars wrapped in tags are fine, 4097 are not.
    await api.sendMessage(42, `<i>${"字".repeat(4096)}</i>`, { parse_mode: "HTML" });
    expect((await fail(api.sendMessage(42, "字".repeat(4097)))).description).toMatch(/too long/);
    expect((await fail(api.sendMessage(42, "<b>x", { parse_mode: "HTML" }))).description).toMatch(/can't parse entities/);
    expect((await fail(api.sendMessage(99, "x"))).description).toMatch(/chat not found/);
    await api.editMessageText(42, m.message_id, "改过", { reply_markup: { inline_keyboard: [[{ text: "a", callback_data: "x" }]] } });
    expect(emu.messages(42)[0]?.plain).toBe("改过");
    const long = await fail(
      api.sendMessage(42, "x", { reply_markup: { inline_keyboard: [[{ text: "a", callback_data: "长".repeat(22) }]] } }),
    );
    expect(long.description).toMatch(/BUTTON_DATA_INVALID/);
    // grammy's `raw` is a proxy: any method name is sent as is.
    const raw = api.raw as unknown as Record<string, (p: object) => Promise<unknown>>;
    expect((await fail(raw.noSuchMethod!({}))).error_code).toBe(404);
    const bad = new Api("1:wrongwrongwrongwrongwrong", { apiRoot: emu.apiRoot });
    expect((await fail(bad.getMe())).error_code).toBe(401);
  });

  it("injects 403, migration, 5xx and dropped connections", async () => {
    emu = await TelegramEmulator.start();
    emu.addChat({ id: 1, type: "private" });
    emu.addChat({ id: -100, type: "group", title: "群" });
    const api = new Api(emu.token, { apiRoot: emu.apiRoot });
    emu.block(1);
    const e403 = await fail(api.sendMessage(1, "x"));
    expect([e403.error_code, e403.description]).toEqual([403, "Forbidden: bot was blocked by the user"]);
    emu.migrate(-100, -1001);
    const e400 = await fail(api.sendMessage(-100, "x"));
    expect(e400.parameters.migrate_to_chat_id).toBe(-1001);
    await api.sendMessage(-1001, "新群");
    expect(emu.messages(-1001)).toHaveLength(1);
    emu.failNext("sendMessage", 1, { code: 502, description: "Bad Gateway" });
    expect((await fail(api.sendMessage(-1001, "y"))).error_code).toBe(502);
    emu.failNext("sendMessage", 1, { code: 0, description: "drop" });
    await expect(api.sendMessage(-1001, "z")).rejects.toBeInstanceOf(HttpError);
    await api.sendMessage(-1001, "ok");
    expect(emu.messages(-1001).map((m) => m.text)).toEqual(["新群", "ok"]);
  });

  it("enforces per-chat, per-group and global limits with fractional retry_after", async () => {
    emu = await TelegramEmulator.start({ limits: { perChatPerSec: 1, perGroupPerMin: 2, globalPerSec: 3 } });
    for (const id of [1, 2, 3, 4]) emu.addChat({ id, type: "private" });
    emu.addChat({ id: -5, type: "group" });
    const api = new Api(emu.token, { apiRoot: emu.apiRoot });
    await api.sendMessage(1, "a");
    const perChat = await fail(api.sendMessage(1, "b"));
    expect(perChat.error_code).toBe(429);
    expect(perChat.parameters.retry_after).toBeGreaterThan(0);
    expect(perChat.parameters.retry_after).toBeLessThanOrEqual(1);
    await api.sendMessage(2, "a");
    await api.sendMessage(3, "a");
    const global = await fail(api.sendMessage(4, "a"));
    expect(global.description).toMatch(/^Too Many Requests: retry after /);
    await new Promise((r) => setTimeout(r, (global.parameters.retry_after ?? 1) * 1000 + 20));
    await api.sendMessage(4, "a");
    expect(emu.rateLimited).toBe(2);
  });

  it("delivers updates through long polling to a grammy Bot and takes documents both ways", async () => {
    emu = await TelegramEmulator.start();
    const bot = new Bot(emu.token, { client: { apiRoot: emu.apiRoot }, botInfo: emu.botInfo });
    bot.command("ping", (ctx) => ctx.reply(`pong ${ctx.match}`));
    bot.on("callback_query:data", (ctx) => ctx.answerCallbackQuery({ text: `got ${ctx.callbackQuery.data}` }));
    bot.on("message:document", async (ctx) => {
      const f = await ctx.getFile();
      const res = await fetch(`${emu!.apiRoot}/file/bot${emu!.token}/${f.file_path}`);
      const body = await res.text();
      await ctx.replyWithDocument(new InputFile(Buffer.from(body.toUpperCase()), "回声.json"), { caption: "已收到" });
    });
    let started!: () => void;
    const onStart = new Promise<void>((r) => (started = r));
    const run = bot.start({ onStart: () => started(), timeout: 1 });
    await onStart;
    emu.userMessage(-200, { id: 7 }, `/ping@${emu.botInfo.username} 你好`);
    await emu.waitFor(() => emu!.messages(-200).length === 1);
    expect(emu.messages(-200)[0]?.text).toBe("pong 你好");
    const u = emu.pressButton(-200, { id: 7 }, 1, "cb:1");
    await emu.waitFor(() => emu!.callbackAnswers.size === 1);
    expect(emu.callbackAnswers.get((u.callback_query as { id: string }).id)).toEqual({ text: "got cb:1" });
    emu.userDocument(5, { id: 5 }, { name: "subs.json", content: '{"a":1}', mimeType: "application/json" });
    const doc = await emu.waitFor(() => emu!.messages(5).find((m) => m.document));
    expect(doc.document?.file_name).toBe("回声.json");
    expect(doc.document?.content.toString()).toBe('{"A":1}');
    expect(doc.plain).toBe("已收到");
    await bot.stop();
    await run;
    expect(emu.pendingUpdates()).toBe(0);
  });
});

describe("parseTelegramHtml with long links", () => {
  it("accepts an anchor whose href is longer than a few hundred characters", () => {
    const url = `https://www.example.gov.cn/${"x".repeat(1000)}?a=1&amp;b=2`;
    const r = parseTelegramHtml(`<a href="${url}">原文</a>`);
    expect(r.text).toBe("原文");
    expect(r.entities[0]?.url).toBe(url.replace("&amp;", "&"));
  });
});
