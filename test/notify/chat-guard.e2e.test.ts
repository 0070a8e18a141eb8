/**
 * Issue 9 "Telegram edge cases on every path, not only the outbox": command replies go through
 * the bot's chat guard (notify/chat-guard.ts). The bot long-polls the Bot API emulator over HTTP;
 * the emulator injects the 403 and the group → supergroup upgrade.
 */
import { afterEach, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../bot/harness.js";
import { chat, sub } from "./fixtures.js";

const ADMIN = { id: 900, first_name: "运维" };
const USER = { id: 300, first_name: "用户" };

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const sendsTo = (hh: Harness, chatId: number) => hh.emu.callsOf("sendMessage").filter((c) => c.params.chat_id === chatId);

describe("command replies: 403 and migration", () => {
  it("a 403 on a reply marks the chat inactive, sends no second message, and /status stops counting it", async () => {
    h = await startHarness({ admins: [ADMIN.id] });
    const GROUP = -300;
    h.emu.addChat({ id: GROUP, type: "supergroup", title: "被踢的群" });
    await h.store.putChat(chat(GROUP, { type: "supergroup" }));
    await h.store.putChat(chat(ADMIN.id, { type: "private" }));
    h.emu.block(GROUP, "Forbidden: bot was kicked from the supergroup chat");

    h.emu.userMessage(GROUP, USER, "/help");
    await h.settle();
    // One attempt (refused by Telegram); the error handler's "something went wrong" is not sent.
    expect(sendsTo(h, GROUP)).toHaveLength(1);
    expect(await h.store.getChat(GROUP)).toMatchObject({ active: false, inactiveReason: "Forbidden: bot was kicked from the supergroup chat" });

    // A second command in the same chat: refused locally, nothing reaches Telegram.
    h.emu.userMessage(GROUP, USER, "/help");
    await h.settle();
    expect(sendsTo(h, GROUP)).toHaveLength(1);

    const [status] = await h.say(ADMIN.id, ADMIN, "/status");
    expect(status!.plain).toContain("聊天：1 个正常 / 共 2 个");
  });

  it("a private chat that blocked the bot is written to again after /start (unblocked)", async () => {
    h = await startHarness();
    h.emu.addChat({ id: USER.id, type: "private" });
    h.emu.block(USER.id);
    h.emu.userMessage(USER.id, USER, "/help");
    await h.settle();
    expect(await h.store.getChat(USER.id)).toMatchObject({ active: false });
    expect(sendsTo(h, USER.id)).toHaveLength(1);

    h.emu.unblock(USER.id);
    const [hello] = await h.say(USER.id, USER, "/start");
    expect(hello!.plain.length).toBeGreaterThan(0);
    expect(await h.store.getChat(USER.id)).toMatchObject({ active: true });
  });

  it("a reply that meets 'group chat was upgraded' goes to the new chat and moves the subscriptions", async () => {
    h = await startHarness();
    const OLD = -400;
    const NEW = -100400;
    h.emu.addChat({ id: OLD, type: "group", title: "老群" });
    await h.store.putChat(chat(OLD, { type: "group", title: "老群" }));
    await h.store.addSubscription(sub(OLD, "region", "平潭"));
    h.emu.migrate(OLD, NEW); // upgraded while the command was on its way

    h.emu.userMessage(OLD, USER, "/help");
    const [reply] = await h.emu.waitFor(() => (h!.emu.messages(NEW).length ? h!.emu.messages(NEW) : undefined), 10_000);
    expect(reply!.plain.length).toBeGreaterThan(0);
    await h.settle();
    expect(h.emu.messages(OLD)).toHaveLength(0);
    // Exactly one attempt at the old id, one at the new one; no error message anywhere.
    expect(sendsTo(h, OLD)).toHaveLength(1);
    expect(sendsTo(h, NEW)).toHaveLength(1);
    expect(await h.store.getChat(OLD)).toBeNull();
    expect(await h.store.getChat(NEW)).toMatchObject({ id: NEW, type: "supergroup", active: true });
    expect(await h.store.listSubscriptions(NEW)).toMatchObject([{ chatId: NEW, kind: "region", value: "平潭" }]);
    expect(await h.store.listSubscriptions(OLD)).toHaveLength(0);
  });
});
