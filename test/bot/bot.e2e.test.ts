/**
 * The bot end to end: grammY long-polling the Telegram Bot API emulator over real HTTP on
 * 127.0.0.1, a real LowdbStore in a temp dir holding reports built from real (hand-checked)
 * report figures.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pino } from "pino";
import { Composer } from "grammy";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { addPortal } from "../../src/watch/portals.js";
import type { BotContext } from "../../src/bot/bot.js";
import type { Finding } from "../../src/report/schema.js";
import type { StoredReport } from "../../src/store/types.js";
import { registerCommands } from "../../src/bot/bot.js";
import { ANONYMOUS_ADMIN_ID } from "../support/telegram-emulator.js";
import { expectedOf, fixtureReports, portalsOf } from "../support/reports.js";
import { startHarness } from "./harness.js";
import type { Harness } from "./harness.js";

const ADMIN = { id: 100, first_name: "管理员" };
const MEMBER = { id: 200, first_name: "群成员" };
const BOT_ADMIN = { id: 900, first_name: "运维" };
const BOT = "nianbao_test_bot";

/** A report whose agency name and findings carry HTML, as a hostile or broken portal might serve. */
function evilReport(base: StoredReport): StoredReport {
  return {
    ...base,
    id: "evil",
    url: 'http://example.gov.cn/e.html?a=1&b="2"',
    report: {
      ...base.report,
      agency: "<script>恶意局</script>&amp;",
      title: "<i>标题",
      findings: [{ rule: "x", severity: "error", message: "表三 <总计> & 合计不符" }],
    },
  };
}

/** A report with many findings, to force /report over several messages. */
function bigReport(base: StoredReport): StoredReport {
  const findings: Finding[] = Array.from({ length: 150 }, (_, i) => ({
    rule: "test.many",
    severity: i % 4 === 0 ? "error" : "warning",
    message: `第 ${i + 1} 条：正文称“收到政府信息公开申请 ${i} 件”，表三 一、本年新收 总计为 ${i + 1} 件（口径可能不同）`,
  }));
  return { ...base, id: "big", url: "http://example.gov.cn/big.html", report: { ...base.report, agency: "测试拆分局", title: "测试拆分局2023年政府信息公开工作年度报告", findings } };
}

let h: Harness;

beforeAll(async () => {
  const reports = fixtureReports();
  // A command family plugged in through `extra`.
  const extra = new Composer<BotContext>();
  extra.command("echoextra", (ctx) => ctx.reply(`echoextra:${ctx.match}`));
  h = await startHarness({
    reports: [...reports, bigReport(reports[0]!), evilReport(reports[0]!)],
    portals: portalsOf(reports),
    admins: [BOT_ADMIN.id],
    extra: [extra],
    // The real registry writer (src/watch/portals.ts) on a temp file, as main.ts wires it.
    addPortal: async ({ url, name }) => {
      const r = await addPortal(join(h.dir, "portals.json"), { url, name });
      if (!r.ok) throw new Error(r.error);
      return r.portal;
    },
  });
});
afterAll(async () => {
  await h?.stop();
});

describe("private chat basics", () => {
  it("/start registers the chat and explains the bot with examples", async () => {
    const [reply] = await h.say(301, { id: 301 }, "/start");
    expect(reply!.plain).toContain("/subscribe");
    expect(reply!.plain).toContain("/latest 洪泽区");
    const chat = await h.store.getChat(301);
    expect(chat).toMatchObject({ id: 301, type: "private", active: true, lang: "zh" });
  });

  it("/lang en switches replies to English, /lang zh back", async () => {
    const [r1] = await h.say(302, { id: 302 }, "/lang en");
    expect(r1!.plain).toBe("Language set to English.");
    const [r2] = await h.say(302, { id: 302 }, "/help");
    expect(r2!.plain).toContain("Subscribe");
    const [r3] = await h.say(302, { id: 302 }, "/latest 沭阳");
    expect(r3!.plain).toContain("Key figures");
    const [r4] = await h.say(302, { id: 302 }, "/lang zh");
    expect(r4!.plain).toBe("语言已设为简体中文。");
    expect((await h.store.getChat(302))?.lang).toBe("zh");
  });

  it("/digest, /quiet and /settings are stored per chat", async () => {
    await h.say(303, { id: 303 }, "/digest daily 7:30");
    await h.say(303, { id: 303 }, "/quiet 22-08 silent");
    const [s] = await h.say(303, { id: 303 }, "/settings");
    expect(s!.plain).toContain("摘要：每天 07:30");
    expect(s!.plain).toContain("免打扰：22:00–08:00（静音发送）");
    expect(await h.store.getChat(303)).toMatchObject({ digest: { mode: "daily", time: "07:30" }, quiet: { from: 22, to: 8, mode: "silent" } });
    const [bad] = await h.say(303, { id: 303 }, "/quiet 8-8");
    expect(bad!.plain).toContain("用法：/quiet");
    await h.say(303, { id: 303 }, "/quiet off");
    expect((await h.store.getChat(303))?.quiet).toBeNull();
  });

  it("subscribe, list and unsubscribe", async () => {
    await h.say(304, { id: 304 }, "/subscribe 地区 福建");
    await h.say(304, { id: 304 }, "/subscribe 沭阳县发展和改革局");
    const [dup] = await h.say(304, { id: 304 }, "/subscribe 地区：福建");
    expect(dup!.plain).toBe("已经订阅过：地区：福建");
    const [list] = await h.say(304, { id: 304 }, "/subscriptions");
    expect(list!.plain).toContain("本聊天的订阅（2 项）");
    expect(list!.plain).toContain("机关：沭阳县发展和改革局");
    const [un] = await h.say(304, { id: 304 }, "/unsubscribe 福建");
    expect(un!.plain).toBe("已取消订阅：地区：福建");
    expect((await h.store.listSubscriptions(304)).map((s) => `${s.kind}:${s.value}`)).toEqual(["agency:沭阳县发展和改革局"]);
  });
});

describe("groups", () => {
  const G = -100101;
  beforeAll(() => {
    h.emu.addChat({ id: G, type: "group", title: "年报观察群" });
    h.emu.setMember(G, ADMIN.id, "administrator");
    h.emu.setMember(G, MEMBER.id, "member");
  });

  it("a non-admin cannot subscribe the group, and is told so politely", async () => {
    const [r] = await h.say(G, MEMBER, `/subscribe@${BOT} 洪泽区`);
    expect(r!.plain).toBe("抱歉，在群组中只有管理员可以修改订阅和设置。");
    expect(await h.store.listSubscriptions(G)).toEqual([]);
    expect(h.emu.callsOf("getChatMember").some((c) => c.params.user_id === MEMBER.id)).toBe(true);
  });

  it("an admin subscribes with /cmd@botname; the store has it", async () => {
    const [r] = await h.say(G, ADMIN, `/subscribe@${BOT} 地区 江苏`);
    expect(r!.plain).toBe("已订阅：地区：江苏");
    expect(await h.store.listSubscriptions(G)).toMatchObject([{ chatId: G, kind: "region", value: "江苏" }]);
    expect(await h.store.getChat(G)).toMatchObject({ type: "group", title: "年报观察群", active: true });
  });

  it("a non-admin cannot change the group's language either", async () => {
    const [r] = await h.say(G, MEMBER, "/lang en");
    expect(r!.plain).toBe("抱歉，在群组中只有管理员可以修改订阅和设置。");
    expect((await h.store.getChat(G))?.lang ?? "zh").toBe("zh");
  });

  it("an anonymous admin (GroupAnonymousBot + sender_chat) can subscribe", async () => {
    const [r] = await h.say(G, { id: ANONYMOUS_ADMIN_ID }, "/subscribe 全部");
    expect(r!.plain).toBe("已订阅：全部");
    expect((await h.store.listSubscriptions(G)).map((s) => s.kind).sort()).toEqual(["all", "region"]);
  });

  it("/cmd@otherbot and unknown bare commands are ignored in groups; /unknown@thisbot gets a hint", async () => {
    const before = h.emu.messages(G).length;
    h.emu.userMessage(G, ADMIN, "/subscribe@other_bot 关键词 教育");
    h.emu.userMessage(G, ADMIN, "/frobnicate");
    await h.settle();
    expect(h.emu.messages(G).length).toBe(before);
    expect((await h.store.listSubscriptions(G)).some((s) => s.kind === "keyword")).toBe(false);
    const [hint] = await h.say(G, MEMBER, `/frobnicate@${BOT}`);
    expect(hint!.plain).toBe("无法识别的命令。发送 /help 查看可用命令。");
  });

  it("when Telegram cannot say who is admin (getChatMember fails), the change is refused, not allowed", async () => {
    h.emu.failNext("getChatMember", 1, { code: 400, description: "Bad Request: member not found" });
    const [r] = await h.say(G, ADMIN, "/subscribe 关键词 卫生");
    expect(r!.plain).toBe("抱歉，在群组中只有管理员可以修改订阅和设置。");
    expect((await h.store.listSubscriptions(G)).some((s) => s.value === "卫生")).toBe(false);
  });

  it("subscribing inside a forum topic stores the topic and answers there", async () => {
    const F = -100202;
    h.emu.addChat({ id: F, type: "supergroup", title: "论坛", is_forum: true });
    h.emu.setMember(F, ADMIN.id, "creator");
    const [r] = await h.say(F, ADMIN, "/subscribe 关键词 教育", 1, { message_thread_id: 7, is_topic_message: true });
    expect(r!.message_thread_id).toBe(7);
    expect(await h.store.listSubscriptions(F)).toMatchObject([{ kind: "keyword", value: "教育", threadId: 7 }]);
  });

  it("my_chat_member: kicked → inactive (kept), re-added → active", async () => {
    const chat = { id: G, type: "group", title: "年报观察群" };
    const member = (status: string): Record<string, unknown> => ({ status, user: h.emu.botInfo });
    h.emu.pushUpdate({
      my_chat_member: { chat, from: ADMIN, date: 1, old_chat_member: member("member"), new_chat_member: { ...member("kicked"), until_date: 0 } },
    } as never);
    await h.settle();
    expect(await h.store.getChat(G)).toMatchObject({ active: false, inactiveReason: "kicked" });
    expect((await h.store.listSubscriptions(G)).length).toBe(2);
    h.emu.pushUpdate({
      my_chat_member: { chat, from: ADMIN, date: 2, old_chat_member: { ...member("kicked"), until_date: 0 }, new_chat_member: member("member") },
    } as never);
    await h.settle();
    expect((await h.store.getChat(G))?.active).toBe(true);
  });

  it("a private chat that blocked the bot is reactivated by /start", async () => {
    const U = 305;
    await h.say(U, { id: U }, "/start");
    h.emu.pushUpdate({
      my_chat_member: {
        chat: { id: U, type: "private", first_name: "u" },
        from: { id: U, is_bot: false, first_name: "u" },
        date: 3,
        old_chat_member: { status: "member", user: h.emu.botInfo },
        new_chat_member: { status: "kicked", user: h.emu.botInfo, until_date: 0 },
      },
    } as never);
    await h.settle();
    expect((await h.store.getChat(U))?.active).toBe(false);
    const [r] = await h.say(U, { id: U }, "/start");
    expect(r!.plain).toContain("欢迎回来");
    expect((await h.store.getChat(U))?.active).toBe(true);
  });

  it("group → supergroup migration moves the chat and its subscriptions", async () => {
    const OLD = -100303;
    const NEW = -1009990303;
    h.emu.addChat({ id: OLD, type: "group", title: "迁移群" });
    h.emu.setMember(OLD, ADMIN.id, "administrator");
    await h.say(OLD, ADMIN, "/subscribe 地区 福建");
    h.emu.pushUpdate({
      message: { message_id: 999, date: 4, chat: { id: OLD, type: "group", title: "迁移群" }, from: ADMIN, migrate_to_chat_id: NEW },
    } as never);
    await h.settle();
    expect(await h.store.getChat(OLD)).toBeNull();
    expect(await h.store.getChat(NEW)).toMatchObject({ id: NEW, type: "supergroup" });
    expect(await h.store.listSubscriptions(NEW)).toMatchObject([{ kind: "region", value: "福建" }]);
  });
});

describe("queries", () => {
  it("/latest answers with the report's own figures and findings (沭阳县发改局 2023)", async () => {
    const e = expectedOf("reports/001.html");
    const [r] = await h.say(401, { id: 401 }, "/latest 沭阳县发改");
    expect(r!.parse_mode).toBe("HTML");
    expect(r!.plain).toContain("沭阳县发展和改革局 2023 年度");
    expect(r!.plain).toMatch(new RegExp(`新收[^\\n]*${e.table3!.newReceived![6]}`));
    expect(r!.plain).toContain("未发现问题");
  });

  it("/latest picks the newest year and lists errors first (洪泽区)", async () => {
    const [r] = await h.say(401, { id: 401 }, "/latest 洪泽区");
    // 洪泽区 2024 is the newest stored year.
    expect(r!.plain).toContain("淮安市洪泽区人民政府 2024 年度");
  });

  it("several matches → keyboard → press → answer; the keyboard is replaced", async () => {
    const [kb] = await h.say(402, { id: 402 }, "/latest 区");
    expect(kb!.plain).toContain("请选择");
    const rows = (kb!.reply_markup as { inline_keyboard: { text: string; callback_data: string }[][] }).inline_keyboard;
    const buttons = rows.flat();
    expect(buttons.map((b) => b.text).sort()).toEqual(["平潭综合实验区", "淮安市洪泽区人民政府"].sort());
    for (const b of buttons) expect(Buffer.byteLength(b.callback_data)).toBeLessThanOrEqual(64);
    const hongze = buttons.find((b) => b.text === "淮安市洪泽区人民政府")!;
    const before = h.emu.messages(402).length;
    h.emu.pressButton(402, { id: 402 }, kb!.message_id, hongze.callback_data);
    const [answer] = await h.emu.waitFor(() => (h.emu.messages(402).length > before ? h.emu.messages(402).slice(before) : undefined));
    expect(answer!.plain).toContain("淮安市洪泽区人民政府 2024 年度");
    const edited = h.emu.messages(402).find((m) => m.message_id === kb!.message_id)!;
    expect(edited.plain).toBe("✅ 淮安市洪泽区人民政府");
    expect(edited.reply_markup).toBeUndefined();
    expect(h.emu.callsOf("answerCallbackQuery").length).toBeGreaterThan(0);
  });

  it("callback data from an old or forged keyboard gets a polite 'expired' answer", async () => {
    const [msg] = await h.say(403, { id: 403 }, "/help");
    for (const data of ["nb:AAAAAAAA:0", "l:洪泽区", "x".repeat(64)]) {
      const upd = h.emu.pressButton(403, { id: 403 }, msg!.message_id, data);
      const id = (upd as { callback_query: { id: string } }).callback_query.id;
      const ans = await h.emu.waitFor(() => h.emu.callbackAnswers.get(id));
      expect(ans.text).toBe("已过期，请重新查询。");
    }
  });

  it("no match → the closest names", async () => {
    const [r] = await h.say(404, { id: 404 }, "/latest 洪泽县政府");
    expect(r!.plain).toContain("没有找到与“洪泽县政府”匹配的机关");
    expect(r!.plain).toContain("您是不是要找");
    expect(r!.plain).toContain("淮安市洪泽区人民政府");
  });

  it("/report splits a long report over several messages, each ≤ 4096, at row boundaries", async () => {
    const before = h.emu.messages(405).length;
    h.emu.userMessage(405, { id: 405 }, "/report 测试拆分局 2023");
    await h.settle();
    const parts = h.emu.messages(405).slice(before);
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(p.plain.length).toBeLessThanOrEqual(4096);
    const all = parts.map((p) => p.plain).join("\n");
    expect(all).toContain("一、本年新收政府信息公开申请数量");
    expect(all).toContain("四、结转下年度继续办理");
    for (let i = 1; i <= 150; i += 37) expect(parts.filter((p) => p.plain.includes(`第 ${i} 条：`))).toHaveLength(1);
  });

  it("/report with several matches → keyboard → the chosen agency's report of that year", async () => {
    const [kb] = await h.say(407, { id: 407 }, "/report 区 2023");
    const buttons = (kb!.reply_markup as { inline_keyboard: { text: string; callback_data: string }[][] }).inline_keyboard.flat();
    const before = h.emu.messages(407).length;
    h.emu.pressButton(407, { id: 407 }, kb!.message_id, buttons.find((b) => b.text === "淮安市洪泽区人民政府")!.callback_data);
    const got = await h.emu.waitFor(() => {
      const all = h.emu.messages(407).slice(before);
      return all.some((m) => m.plain.includes("四、政府信息公开行政复议")) ? all : undefined;
    });
    const text = got.map((m) => m.plain).join("\n");
    expect(text).toContain("淮安市洪泽区人民政府 2023 年度");
    expect(text).toContain("行政复议：结果维持 10 · 结果纠正 1");
  });

  it("/report for a year not stored lists the stored years", async () => {
    const [r] = await h.say(405, { id: 405 }, "/report 洪泽区 2020");
    expect(r!.plain).toContain("2023、2024");
  });

  it("/anomalies [region] lists current findings (each agency's newest report), errors first", async () => {
    const [r] = await h.say(406, { id: 406 }, "/anomalies 江苏");
    expect(r!.plain).toContain("测试拆分局");
    expect(r!.plain).not.toContain("平潭");
    // 洪泽区's newest report (2024) is clean: its 2023 errors are history, not current findings.
    expect(r!.plain).not.toContain("洪泽区");
    // 平潭's 2022 warning is superseded by its clean 2024 report.
    const [p] = await h.say(406, { id: 406 }, "/anomalies 平潭");
    expect(p!.plain).toBe("当前没有发现问题。");
  });
});

describe("hostile input", () => {
  it("HTML in arguments is echoed back escaped", async () => {
    const [r] = await h.say(501, { id: 501 }, "/latest <b>局</b>&amp;<script>");
    expect(r!.plain).toContain("“<b>局</b>&amp;<script>”");
    const [s] = await h.say(501, { id: 501 }, "/subscribe 关键词 <i>教育");
    expect(s!.plain).toBe("已订阅：关键词：<i>教育");
  });

  it("HTML in stored agency names and findings is escaped (the emulator rejects malformed HTML)", async () => {
    const [r] = await h.say(507, { id: 507 }, "/latest 恶意局");
    expect(r!.plain).toContain("<script>恶意局</script>&amp;");
    expect(r!.plain).toContain("表三 <总计> & 合计不符");
  });

  it("a 5,000-character argument is refused politely and nothing is stored", async () => {
    const [r] = await h.say(502, { id: 502 }, `/subscribe ${"局".repeat(5000)}`);
    expect(r!.plain).toContain("参数过长");
    expect(await h.store.listSubscriptions(502)).toEqual([]);
  });

  it("control characters are stripped", async () => {
    await h.say(503, { id: 503 }, "/subscribe 地区 福\u0000建\u200B");
    expect(await h.store.listSubscriptions(503)).toMatchObject([{ kind: "region", value: "福建" }]);
  });

  it("unknown commands in private chats get a help hint", async () => {
    const [r] = await h.say(504, { id: 504 }, "/frobnicate now");
    expect(r!.plain).toContain("/help");
  });

  it("a failing reply is caught (bot.catch), answered with a generic error, and other chats go on", async () => {
    h.emu.failNext("sendMessage", 1, { code: 400, description: "Bad Request: something odd" });
    const [r] = await h.say(505, { id: 505 }, "/help");
    expect(r!.plain).toBe("抱歉，处理时出错了，请稍后再试。");
    const [ok] = await h.say(506, { id: 506 }, "/help");
    expect(ok!.plain).toContain("/subscribe");
  });
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

describe("admin and setup", () => {
  it("/status is for admins only and shows portals, reports and the outbox", async () => {
    const [no] = await h.say(701, { id: 701 }, "/status");
    expect(no!.plain).toBe("此命令仅限管理员使用。");
    const [r] = await h.say(BOT_ADMIN.id, BOT_ADMIN, "/status");
    expect(r!.plain).toContain("门户：3 个");
    expect(r!.plain).toContain("已收录年报：8 份");
    expect(r!.plain).toContain("发送队列：待发 0");
  });

  it("/poll without a watcher in the process says so", async () => {
    const [r] = await h.say(BOT_ADMIN.id, BOT_ADMIN, "/poll");
    expect(r!.plain).toContain("无法立即检查");
  });

  it("/addportal adds a portal to the registry file; bad URLs and duplicates are explained", async () => {
    const [no] = await h.say(702, { id: 702 }, "/addportal https://www.example.gov.cn/nb/ 某县");
    expect(no!.plain).toBe("此命令仅限管理员使用。");
    const [bad] = await h.say(BOT_ADMIN.id, BOT_ADMIN, "/addportal javascript:alert(1) 某县");
    expect(bad!.plain).toContain("网址无效");
    const [ok] = await h.say(BOT_ADMIN.id, BOT_ADMIN, "/addportal https://www.example.gov.cn/zwgk/nb/ 某某县人民政府");
    expect(ok!.plain).toMatch(/^已添加门户：某某县人民政府（[a-z0-9-]+）/);
    const file = JSON.parse(await readFile(join(h.dir, "portals.json"), "utf8")) as { url: string; name: string }[];
    expect(file).toMatchObject([{ url: "https://www.example.gov.cn/zwgk/nb/", name: "某某县人民政府" }]);
    const [dup] = await h.say(BOT_ADMIN.id, BOT_ADMIN, "/addportal https://www.example.gov.cn/zwgk/nb/ 另一个名字");
    expect(dup!.plain).toContain("添加门户失败");
    expect(dup!.plain).toContain("已存在");
  });

  it("extra command families are mounted before the unknown-command hint", async () => {
    const [r] = await h.say(703, { id: 703 }, "/echoextra 洪泽区");
    expect(r!.plain).toBe("echoextra:洪泽区");
  });

  it("registerCommands sets the menu in Chinese (default) and English", async () => {
    const n = await registerCommands(h.bot.api, pino({ level: "silent" }), { ADMIN_CHAT_IDS: [BOT_ADMIN.id] });
    expect(n).toBe(8);
    const admin = h.emu.myCommands({ type: "chat", chat_id: BOT_ADMIN.id }, "") as { command: string }[];
    expect(admin.map((c) => c.command)).toContain("poll");
    const zh = h.emu.myCommands({ type: "default" }, "") as { command: string; description: string }[];
    const en = h.emu.myCommands({ type: "default" }, "en") as { command: string; description: string }[];
    expect(zh.find((c) => c.command === "subscribe")?.description).toBe("订阅机关、地区或关键词");
    expect(en.find((c) => c.command === "subscribe")?.description).toBe("Subscribe to an agency, region or keyword");
    expect(h.emu.myCommands({ type: "all_group_chats" }, "en")).toHaveLength(zh.length);
    expect(zh.map((c) => c.command)).not.toContain("poll");
  });
});
