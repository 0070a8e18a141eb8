/**
 * Issue 9 "Alerts in flight when the process dies": admins see exactly which chats and alerts are
 * uncertain (/uncertain) and resend them with one confirmed action (/resend_uncertain), each at
 * most once — against the Bot API emulator over HTTP, with the real notifier and LowdbStore. The
 * rows start as a SIGKILL leaves them ("sending"; crash.test.ts kills a real process for that).
 */
import { afterEach, describe, expect, it } from "vitest";
import { Api } from "grammy";
import { pino } from "pino";
import { createNotifier } from "../../src/notify/notifier.js";
import { DEFAULT_CONCURRENCY } from "../../src/notify/sender.js";
import type { OutboxItem } from "../../src/store/types.js";
import { startHarness, type Harness } from "../bot/harness.js";
import { chat } from "./fixtures.js";

const ADMIN = { id: 900, first_name: "运维" };
let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

function row(chatId: number, eventId: string, text: string, status: OutboxItem["status"]): OutboxItem {
  return {
    key: `${chatId}:0:${eventId}:0`,
    chatId,
    eventId,
    text,
    status,
    attempts: 1,
    notBefore: null,
    createdAt: "2026-03-02T01:30:00.000Z",
    sentAt: null,
    messageId: null,
    lastError: null,
  };
}

describe("uncertain alerts: list and resend once", () => {
  it("lists chats and alerts, resends on confirmation, and a second press sends nothing", async () => {
    let notifier!: ReturnType<typeof createNotifier>;
    h = await startHarness({
      admins: [ADMIN.id],
      services: ({ store, emu }) => {
        notifier = createNotifier({
          store,
          portals: () => [],
          api: new Api(emu.token, { apiRoot: emu.apiRoot }),
          adminChatIds: [],
          log: pino({ level: "silent" }),
          limits: { perChatPerSec: 100, perGroupPerMin: 10_000, globalPerSec: 1000 },
        });
        return { notifier };
      },
    });
    const { emu, store } = h;
    for (const id of [81, 82]) emu.addChat({ id, type: "private" });
    await store.putChat(chat(81, { title: "张三" }));
    await store.putChat(chat(82));
    await store.putChat(chat(ADMIN.id));
    // What a SIGKILL mid-send leaves: rows claimed ("sending") whose answer was never recorded.
    await store.enqueue([
      row(81, "new:r1", "<b>🆕 新年报：平潭综合实验区 2024 年度</b>\n新收申请：23 件", "sending"),
      row(82, "new:r1", "<b>🆕 新年报：平潭综合实验区 2024 年度</b>\n新收申请：23 件", "sending"),
    ]);
    await notifier.pump(); // restart: both become uncertain, nothing is resent on its own
    expect(emu.messages(81)).toHaveLength(0);
    expect(await notifier.status()).toMatchObject({ uncertain: 2 });

    const [list] = await h.say(ADMIN.id, ADMIN, "/uncertain");
    expect(list!.plain).toContain("送达不确定的提醒：2 条");
    expect(list!.plain).toContain("张三 81");
    expect(list!.plain).toContain("82");
    expect(list!.plain).toContain("🆕 新年报：平潭综合实验区 2024 年度");
    expect(list!.plain).toContain("2026-03-02 09:30"); // local time (Asia/Shanghai)

    const [ask] = await h.say(ADMIN.id, ADMIN, "/resend_uncertain");
    expect(ask!.plain).toContain("确认重发 2 条");
    const data = (ask!.reply_markup as { inline_keyboard: { callback_data: string }[][] }).inline_keyboard[0]![0]!.callback_data;
    emu.pressButton(ADMIN.id, ADMIN, ask!.message_id, data);
    await emu.waitFor(() => emu.messages(81).length === 1 && emu.messages(82).length === 1, 10_000);
    expect(emu.messages(82)[0]!.plain).toContain("新收申请：23 件");
    await h.settle();

    // The same button again (a double tap, a second admin): nothing more is sent.
    emu.pressButton(ADMIN.id, ADMIN, ask!.message_id, data);
    await h.settle();
    await h.say(ADMIN.id, ADMIN, "/resend_uncertain");
    await notifier.pump();
    expect(emu.callsOf("sendMessage").filter((c) => c.params.chat_id === 81 || c.params.chat_id === 82)).toHaveLength(2);
    const answers = [...emu.callbackAnswers.values()].map((a) => a.text);
    expect(answers).toContain("没有可重发的提醒。");
    const [after] = await h.say(ADMIN.id, ADMIN, "/uncertain");
    expect(after!.plain).toBe("没有送达情况不确定的提醒。");
    expect((await store.listOutbox({ chatId: 81 })).map((r) => [r.key, r.status, r.resentAs ?? null])).toEqual([
      ["81:0:new:r1:0", "uncertain", "81:0:new:r1:0#resend"],
      ["81:0:new:r1:0#resend", "sent", null],
    ]);
  });

  it("non-admins cannot list or resend", async () => {
    h = await startHarness({ admins: [ADMIN.id] });
    const [r] = await h.say(555, { id: 555, first_name: "路人" }, "/resend_uncertain");
    expect(r!.plain).toContain("仅限管理员");
    expect(DEFAULT_CONCURRENCY).toBe(2);
  });
});
