/**
 * The bot end to end: grammY long-polling the Telegram Bot API emulator over real HTTP on
 * 127.0.0.1, a real LowdbStore in a temp dir holding reports built from real (hand-checked)
 * report figures. Command semantics are tested at unit speed (test/bot/<family>.test.ts); these
 * runs prove the same bot works over the wire: polling, getChatMember, /cmd@botname with the
 * fetched identity, and /import's file download from the Bot API file server.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixtureReports, portalsOf } from "../support/reports.js";
import { startHarness } from "./harness.js";
import type { Harness } from "./harness.js";

const ADMIN = { id: 100, first_name: "管理员" };
const MEMBER = { id: 200, first_name: "群成员" };
const BOT = "nianbao_test_bot";

let h: Harness;

beforeAll(async () => {
  const reports = fixtureReports();
  h = await startHarness({ reports, portals: portalsOf(reports) });
});
afterAll(async () => {
  await h?.stop();
});

it("/start registers the chat and explains the bot with examples", async () => {
  const [reply] = await h.say(301, { id: 301 }, "/start");
  expect(reply!.plain).toContain("/subscribe");
  expect(reply!.plain).toContain("/latest 洪泽区");
  const chat = await h.store.getChat(301);
  expect(chat).toMatchObject({ id: 301, type: "private", active: true, lang: "zh" });
});

it("in a group, a member is refused and an admin subscribes with /cmd@botname (getChatMember over HTTP)", async () => {
  const G = -100101;
  h.emu.addChat({ id: G, type: "group", title: "年报观察群" });
  h.emu.setMember(G, ADMIN.id, "administrator");
  h.emu.setMember(G, MEMBER.id, "member");
  const [no] = await h.say(G, MEMBER, `/subscribe@${BOT} 洪泽区`);
  expect(no!.plain).toBe("抱歉，在群组中只有管理员可以修改订阅和设置。");
  const [r] = await h.say(G, ADMIN, `/subscribe@${BOT} 地区 江苏`);
  expect(r!.plain).toBe("已订阅：地区：江苏");
  expect(await h.store.listSubscriptions(G)).toMatchObject([{ chatId: G, kind: "region", value: "江苏" }]);
  expect(h.emu.callsOf("getChatMember").map((c) => c.params.user_id)).toEqual([MEMBER.id, ADMIN.id]);
});

describe("export / import", () => {
  it("/export sends the subscriptions as a JSON file that /import (caption) merges into another chat", async () => {
    await h.say(601, { id: 601 }, "/subscribe 地区 福建");
    await h.say(601, { id: 601 }, "/subscribe 关键词 教育");
    const [doc] = await h.say(601, { id: 601 }, "/export");
    expect(doc!.document?.file_name).toBe("nianbao-subscriptions-601.json");
    const json = JSON.parse(doc!.document!.content.toString("utf8")) as { subscriptions: unknown[] };
    expect(json.subscriptions).toEqual([
      { kind: "region", value: "福建" },
      { kind: "keyword", value: "教育" },
    ]);
    await h.say(602, { id: 602 }, "/subscribe 地区 福建");
    const before = h.emu.messages(602).length;
    h.emu.userDocument(602, { id: 602 }, { name: "subs.json", content: doc!.document!.content, mimeType: "application/json" }, "/import");
    const [r] = await h.emu.waitFor(() => (h.emu.messages(602).length > before ? h.emu.messages(602).slice(before) : undefined));
    expect(r!.plain).toBe("已导入 1 项订阅（1 项已存在）。");
    expect((await h.store.listSubscriptions(602)).map((s) => s.value).sort()).toEqual(["教育", "福建"]);
  });

  it("/import as a reply to a document; bad files are explained and change nothing", async () => {
    const C = 603;
    const bad = h.emu.userDocument(C, { id: C }, { name: "x.json", content: '{"subscriptions":[{"kind":"regex","value":".*"}]}' });
    const badMsg = (bad as { message: { message_id: number } }).message;
    const [r1] = await h.say(C, { id: C }, "/import", 1, { reply_to_message: badMsg });
    expect(r1!.plain).toMatch(/^无法导入：subscriptions\.0\.kind/);
    const notJson = h.emu.userDocument(C, { id: C }, { name: "y.json", content: "not json <b>" });
    const [r2] = await h.say(C, { id: C }, "/import", 1, { reply_to_message: (notJson as { message: unknown }).message });
    expect(r2!.plain).toContain("JSON 格式错误");
    const before = h.emu.messages(C).length;
    h.emu.userDocument(C, { id: C }, { name: "big.json", content: " ".repeat(70 * 1024) }, "/import");
    const [r3] = await h.emu.waitFor(() => (h.emu.messages(C).length > before ? h.emu.messages(C).slice(before) : undefined));
    expect(r3!.plain).toContain("文件过大");
    expect(await h.store.listSubscriptions(C)).toEqual([]);
  });
});
