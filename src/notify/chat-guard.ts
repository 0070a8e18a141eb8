/**
 * Telegram's chat-level answers on EVERY path that writes to a chat, not only the outbox: one
 * grammY API transformer installed on the bot's api (bot.ts), so every command reply, /poll
 * summary, error reply and keyboard edit goes through it (ctx.api inherits the transformers).
 *
 * - 400 with `parameters.migrate_to_chat_id` (the group was upgraded to a supergroup): the chat
 *   row, subscriptions and pending alerts move to the new id (store.migrateChat) and the same
 *   call is made once more to the new id, so the reply arrives where the group now lives.
 * - 403 (blocked, kicked, deactivated, no rights) or 400 "chat not found" on a call that writes
 *   to the chat: the chat is marked inactive with Telegram's reason (so /status stops counting it
 *   and the notifier stops alerting it) and every later write to it in this process is refused
 *   here, without a request — no second message to a chat that just refused the first. A chat
 *   the store shows active again (/start, the bot re-added: my_chat_member) is written to again.
 *
 * The notifier's sender does not use this transformer: it handles the same answers itself,
 * because it must also move or fail its outbox rows in step (sender.ts).
 */
import type { Transformer } from "grammy";
import type { Logger } from "pino";
import type { Store } from "../store/types.js";
import { BLOCKED_RE, deactivateChat } from "./sender.js";

export interface ChatGuardDeps {
  store: Store;
  log: Pick<Logger, "info" | "warn" | "error">;
  now?: () => Date;
}

/** Methods that write to a chat: a refusal there says the chat is unreachable. */
const WRITES = /^(send|copy|forward|edit|pin|unpin|delete)/;

/** Chats refused in this process, and the transformer. */
export interface ChatGuard {
  transformer: Transformer;
  /** True when a write to `chatId` would be refused here (the chat refused us). */
  isRefused(chatId: number): boolean;
}

/** The description of a call refused locally (same shape as Telegram's 403). */
export const REFUSED_LOCALLY = "Forbidden: chat is inactive (it refused an earlier message); not sent";

/** Builds the guard; install `guard.transformer` with `api.config.use` after auto-retry. */
export function createChatGuard(deps: ChatGuardDeps): ChatGuard {
  const { store, log } = deps;
  const now = deps.now ?? (() => new Date());
  const refused = new Map<number, string>();

  const stillRefused = async (chatId: number): Promise<boolean> => {
    if (!refused.has(chatId)) return false;
    const chat = await store.getChat(chatId);
    if (chat && chat.active) {
      refused.delete(chatId); // reactivated by /start or my_chat_member
      return false;
    }
    return true;
  };

  const transformer: Transformer = async (prev, method, payload, signal) => {
    const p = payload as Record<string, unknown> | undefined;
    const chatId = p && typeof p.chat_id === "number" ? p.chat_id : null;
    if (chatId === null) return prev(method, payload, signal);
    const writes = WRITES.test(method);
    if (writes && (await stillRefused(chatId))) {
      log.warn({ chatId, method }, "telegram: not writing to a chat that refused us");
      return { ok: false, error_code: 403, description: REFUSED_LOCALLY };
    }
    let target = chatId;
    let res = await prev(method, payload, signal);
    const to = res.ok ? undefined : res.parameters?.migrate_to_chat_id;
    if (!res.ok && res.error_code === 400 && typeof to === "number") {
      try {
        await store.migrateChat(chatId, to);
        log.info({ from: chatId, to, method }, "telegram: group upgraded to a supergroup; chat moved, call repeated to the new id");
      } catch (e) {
        log.error({ from: chatId, to, err: e instanceof Error ? e.message : String(e) }, "telegram: chat migration failed");
      }
      // Message ids of the old group mean nothing in the new one: drop a reply reference.
      const { reply_parameters: _r, reply_to_message_id: _m, ...rest } = p as Record<string, unknown>;
      target = to;
      res = await prev(method, { ...rest, chat_id: to } as typeof payload, signal);
    }
    if (!res.ok && writes && (res.error_code === 403 || (res.error_code === 400 && BLOCKED_RE.test(res.description)))) {
      refused.set(target, res.description);
      try {
        await deactivateChat(store, target, res.description, now());
      } catch (e) {
        log.error({ chatId: target, err: e instanceof Error ? e.message : String(e) }, "telegram: could not mark chat inactive");
      }
      log.warn({ chatId: target, method, reason: res.description }, "telegram: chat refused the bot; marked inactive");
    }
    return res;
  };

  return { transformer, isRefused: (chatId) => refused.has(chatId) };
}
