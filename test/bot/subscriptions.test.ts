/**
 * /subscribe, /unsubscribe, /subscriptions and /export of src/bot/subscriptions.ts, with group
 * permissions (getChatMember, anonymous admins, forum topics) and hostile arguments, on the real
 * bot at unit speed. (/import downloads the file from Telegram's file server: bot.e2e.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ANONYMOUS_ADMIN_ID } from "../support/telegram-emulator.js";
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
  it("subscribe, list and unsubscribe", async () => {
    await t.say(304, { id: 304 }, "/subscribe 地区 福建");
    await t.say(304, { id: 304 }, "/subscribe 沭阳县发展和改革局");
    const [dup] = await t.say(304, { id: 304 }, "/subscribe 地区：福建");
    expect(dup!.plain).toBe("已经订阅过：地区：福建");
    const [list] = await t.say(304, { id: 304 }, "/subscriptions");
    expect(list!.plain).toContain("本聊天的订阅（2 项）");
    expect(list!.plain).toContain("机关：沭阳县发展和改革局");
    const [un] = await t.say(304, { id: 304 }, "/unsubscribe 福建");
    expect(un!.plain).toBe("已取消订阅：地区：福建");
    expect((await t.store.listSubscriptions(304)).map((s) => `${s.kind}:${s.value}`)).toEqual(["agency:沭阳县发展和改革局"]);
  });

  it("/export sends the subscriptions as a JSON file", async () => {
    await t.say(601, { id: 601 }, "/subscribe 地区 福建");
    await t.say(601, { id: 601 }, "/subscribe 关键词 教育");
    const [doc] = await t.say(601, { id: 601 }, "/export");
    expect(doc!.document?.file_name).toBe("nianbao-subscriptions-601.json");
    const json = JSON.parse(doc!.document!.content.toString("utf8")) as { subscriptions: unknown[] };
    expect(json.subscriptions).toEqual([
      { kind: "region", value: "福建" },
      { kind: "keyword", value: "教育" },
    ]);
  });
});

describe("groups", () => {
  const G = -100101;
  beforeAll(() => {
    t.addChat({ id: G, type: "group", title: "年报观察群" });
    t.setMember(G, ADMIN.id, "administrator");
    t.setMember(G, MEMBER.id, "member");
  });

  it("a non-admin cannot subscribe the group, and is told so politely", async () => {
    const [r] = await t.say(G, MEMBER, `/subscribe@${BOT} 洪泽区`);
    expect(r!.plain).toBe("抱歉，在群组中只有管理员可以修改订阅和设置。");
    expect(await t.store.listSubscriptions(G)).toEqual([]);
    expect(t.callsOf("getChatMember").some((c) => c.payload.user_id === MEMBER.id)).toBe(true);
  });

  it("an admin subscribes with /cmd@botname; the store has it", async () => {
    const [r] = await t.say(G, ADMIN, `/subscribe@${BOT} 地区 江苏`);
    expect(r!.plain).toBe("已订阅：地区：江苏");
    expect(await t.store.listSubscriptions(G)).toMatchObject([{ chatId: G, kind: "region", value: "江苏" }]);
    expect(await t.store.getChat(G)).toMatchObject({ type: "group", title: "年报观察群", active: true });
  });

  it("an anonymous admin (GroupAnonymousBot + sender_chat) can subscribe", async () => {
    const [r] = await t.say(G, { id: ANONYMOUS_ADMIN_ID }, "/subscribe 全部");
    expect(r!.plain).toBe("已订阅：全部");
    expect((await t.store.listSubscriptions(G)).map((s) => s.kind).sort()).toEqual(["all", "region"]);
  });

  it("/cmd@otherbot is ignored in groups", async () => {
    expect(await t.say(G, ADMIN, "/subscribe@other_bot 关键词 教育")).toEqual([]);
    expect((await t.store.listSubscriptions(G)).some((s) => s.kind === "keyword")).toBe(false);
  });

  it("when Telegram cannot say who is admin (getChatMember fails), the change is refused, not allowed", async () => {
    t.failNext("getChatMember", 1, { code: 400, description: "Bad Request: member not found" });
    const [r] = await t.say(G, ADMIN, "/subscribe 关键词 卫生");
    expect(r!.plain).toBe("抱歉，在群组中只有管理员可以修改订阅和设置。");
    expect((await t.store.listSubscriptions(G)).some((s) => s.value === "卫生")).toBe(false);
  });

  it("subscribing inside a forum topic stores the topic and answers there", async () => {
    const F = -100202;
    t.addChat({ id: F, type: "supergroup", title: "论坛", is_forum: true });
    t.setMember(F, ADMIN.id, "creator");
    const [r] = await t.say(F, ADMIN, "/subscribe 关键词 教育", { message_thread_id: 7, is_topic_message: true });
    expect(r!.message_thread_id).toBe(7);
    expect(await t.store.listSubscriptions(F)).toMatchObject([{ kind: "keyword", value: "教育", threadId: 7 }]);
  });
});

describe("hostile input", () => {
  it("HTML in arguments is echoed back escaped", async () => {
    const [s] = await t.say(501, { id: 501 }, "/subscribe 关键词 <i>教育");
    expect(s!.plain).toBe("已订阅：关键词：<i>教育");
  });

  it("a 5,000-character argument is refused politely and nothing is stored", async () => {
    const [r] = await t.say(502, { id: 502 }, `/subscribe ${"局".repeat(5000)}`);
    expect(r!.plain).toContain("参数过长");
    expect(await t.store.listSubscriptions(502)).toEqual([]);
  });

  it("control characters are stripped", async () => {
    await t.say(503, { id: 503 }, "/subscribe 地区 福\u0000建\u200B");
    expect(await t.store.listSubscriptions(503)).toMatchObject([{ kind: "region", value: "福建" }]);
  });
});
