/**
 * /start, /help, /lang, chat membership (my_chat_member, group → supergroup migration) and the
 * fallbacks of src/bot/basic.ts, on the real bot at unit speed (test/support/test-bot.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_BOT_INFO, createTestBot } from "../support/test-bot.js";
import type { TestBot } from "../support/test-bot.js";
import { fixtureReports, portalsOf } from "../support/reports.js";

const ADMIN = { id: 100, first_name: "管理员" };
const MEMBER = { id: 200, first_name: "群成员" };
const BOT = TEST_BOT_INFO.username;

let t: TestBot;
beforeAll(async () => {
  const reports = fixtureReports();
  t = await createTestBot({ reports, portals: portalsOf(reports) });
});
afterAll(async () => {
  await t?.stop();
});

describe("private chats", () => {
  it("/start registers the chat and explains the bot with examples", async () => {
    const [reply] = await t.say(301, { id: 301 }, "/start");
    expect(reply!.plain).toContain("/subscribe");
    expect(reply!.plain).toContain("/latest 洪泽区");
    expect(await t.store.getChat(301)).toMatchObject({ id: 301, type: "private", active: true, lang: "zh" });
  });

  it("/lang en switches replies to English, /lang zh back", async () => {
    const [r1] = await t.say(302, { id: 302 }, "/lang en");
    expect(r1!.plain).toBe("Language set to English.");
    const [r2] = await t.say(302, { id: 302 }, "/help");
    expect(r2!.plain).toContain("Subscribe");
    const [r3] = await t.say(302, { id: 302 }, "/latest 沭阳");
    expect(r3!.plain).toContain("Key figures");
    const [r4] = await t.say(302, { id: 302 }, "/lang zh");
    expect(r4!.plain).toBe("语言已设为简体中文。");
    expect((await t.store.getChat(302))?.lang).toBe("zh");
  });

  it("unknown commands in private chats get a help hint", async () => {
    const [r] = await t.say(504, { id: 504 }, "/frobnicate now");
    expect(r!.plain).toContain("/help");
  });

  it("callback data from an old or forged keyboard gets a polite 'expired' answer", async () => {
    const [msg] = await t.say(403, { id: 403 }, "/help");
    for (const data of ["nb:AAAAAAAA:0", "l:洪泽区", "x".repeat(64)]) {
      const { answer } = await t.press(403, { id: 403 }, msg!.message_id, data);
      expect(answer?.text).toBe("已过期，请重新查询。");
    }
  });

  it("a private chat that blocked the bot is reactivated by /start", async () => {
    const U = 305;
    await t.say(U, { id: U }, "/start");
    await t.handle({
      my_chat_member: {
        chat: { id: U, type: "private", first_name: "u" },
        from: { id: U, is_bot: false, first_name: "u" },
        date: 3,
        old_chat_member: { status: "member", user: TEST_BOT_INFO },
        new_chat_member: { status: "kicked", user: TEST_BOT_INFO, until_date: 0 },
      },
    });
    expect((await t.store.getChat(U))?.active).toBe(false);
    const [r] = await t.say(U, { id: U }, "/start");
    expect(r!.plain).toContain("欢迎回来");
    expect((await t.store.getChat(U))?.active).toBe(true);
  });
});

describe("groups", () => {
  const G = -100101;
  beforeAll(async () => {
    t.addChat({ id: G, type: "group", title: "年报观察群" });
    t.setMember(G, ADMIN.id, "administrator");
    t.setMember(G, MEMBER.id, "member");
    await t.say(G, ADMIN, `/subscribe@${BOT} 地区 江苏`);
    await t.say(G, ADMIN, "/subscribe 全部");
  });

  it("a non-admin cannot change the group's language", async () => {
    const [r] = await t.say(G, MEMBER, "/lang en");
    expect(r!.plain).toBe("抱歉，在群组中只有管理员可以修改订阅和设置。");
    expect((await t.store.getChat(G))?.lang ?? "zh").toBe("zh");
  });

  it("/unknown@thisbot gets a hint; unknown bare commands are ignored in groups", async () => {
    expect(await t.say(G, ADMIN, "/frobnicate")).toEqual([]);
    const [hint] = await t.say(G, MEMBER, `/frobnicate@${BOT}`);
    expect(hint!.plain).toBe("无法识别的命令。发送 /help 查看可用命令。");
  });

  it("my_chat_member: kicked → inactive (kept), re-added → active", async () => {
    const chat = { id: G, type: "group" as const, title: "年报观察群" };
    const from = { id: ADMIN.id, is_bot: false, first_name: ADMIN.first_name };
    await t.handle({
      my_chat_member: { chat, from, date: 1, old_chat_member: { status: "member", user: TEST_BOT_INFO }, new_chat_member: { status: "kicked", user: TEST_BOT_INFO, until_date: 0 } },
    });
    expect(await t.store.getChat(G)).toMatchObject({ active: false, inactiveReason: "kicked" });
    expect((await t.store.listSubscriptions(G)).length).toBe(2);
    await t.handle({
      my_chat_member: { chat, from, date: 2, old_chat_member: { status: "kicked", user: TEST_BOT_INFO, until_date: 0 }, new_chat_member: { status: "member", user: TEST_BOT_INFO } },
    });
    expect((await t.store.getChat(G))?.active).toBe(true);
  });

  it("group → supergroup migration moves the chat and its subscriptions", async () => {
    const OLD = -100303;
    const NEW = -1009990303;
    t.addChat({ id: OLD, type: "group", title: "迁移群" });
    t.setMember(OLD, ADMIN.id, "administrator");
    await t.say(OLD, ADMIN, "/subscribe 地区 福建");
    await t.handle({
      message: { message_id: 999, date: 4, chat: { id: OLD, type: "group", title: "迁移群" }, from: { id: ADMIN.id, is_bot: false, first_name: "管理员" }, migrate_to_chat_id: NEW },
    });
    expect(await t.store.getChat(OLD)).toBeNull();
    expect(await t.store.getChat(NEW)).toMatchObject({ id: NEW, type: "supergroup" });
    expect(await t.store.listSubscriptions(NEW)).toMatchObject([{ kind: "region", value: "福建" }]);
  });
});
