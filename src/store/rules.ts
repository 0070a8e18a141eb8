/**
 * Semantics every driver shares (pure), so the lowdb and memory drivers cannot drift apart on
 * what makes two subscriptions the same, how a migrated chat's outbox keys change, or how long
 * sent rows are kept.
 */
import type { Chat, Subscription } from "./types.js";

/** Sent outbox rows older than this are pruned on enqueue, to keep the outbox small. */
export const SENT_RETENTION_MS = 30 * 24 * 3600 * 1000;

/** Identity of a subscription: one per chat, forum topic, kind and value. */
export function subKey(s: Pick<Subscription, "chatId" | "kind" | "value" | "threadId">): string {
  return `${s.chatId}|${s.threadId ?? ""}|${s.kind}|${s.value}`;
}

/** An outbox key (`<chatId>:…`, notify/outbox.ts outboxKey) moved from one chat id to another. */
export function migratedOutboxKey(key: string, fromId: number, toId: number): string {
  const prefix = `${fromId}:`;
  return key.startsWith(prefix) ? `${toId}:${key.slice(prefix.length)}` : key;
}

/** Raw sources are addressed by a hex sha256 (or a prefix of one); anything else is refused. */
export function checkRawHash(hash: string): string {
  if (!/^[0-9a-f]{16,128}$/.test(hash)) throw new Error(`bad content hash: ${hash.slice(0, 80)}`);
  return hash;
}

/**
 * Moves a chat's row and subscriptions from `fromId` to `toId` (group → supergroup), in place: the
 * row keeps its settings (a row already at `toId` wins), is marked active, and a subscription the
 * new id already has is dropped rather than doubled. The outbox is moved by each driver.
 */
export function migrateChatState(
  state: { chats: Record<string, Chat>; subscriptions: Subscription[] },
  fromId: number,
  toId: number,
): void {
  const old = state.chats[String(fromId)];
  if (old) {
    delete state.chats[String(fromId)];
    const existing = state.chats[String(toId)];
    state.chats[String(toId)] = { ...old, ...(existing ?? {}), id: toId, type: "supergroup", active: true };
  }
  const seen = new Set(state.subscriptions.filter((x) => x.chatId === toId).map(subKey));
  state.subscriptions = state.subscriptions.filter((x) => {
    if (x.chatId !== fromId) return true;
    const moved = { ...x, chatId: toId };
    if (seen.has(subKey(moved))) return false;
    x.chatId = toId;
    seen.add(subKey(moved));
    return true;
  });
}
