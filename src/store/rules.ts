/**
 * Semantics every driver shares (pure), so the lowdb and memory drivers cannot drift apart on
 * what makes two subscriptions the same, how a migrated chat's outbox keys change, or how long
 * sent rows are kept.
 */
import type { Subscription } from "./types.js";

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
