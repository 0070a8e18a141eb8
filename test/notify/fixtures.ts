/**
 * Test fixtures for delivery: a temp LowdbStore and small builders for chats, subscriptions and
 * portals (reports come from the shared builder, test/support/reports.ts).
 */
import { defaultChat } from "../../src/notify/chats.js";
import { tempStore as sharedTempStore } from "../support/temp.js";
import type { Chat, PortalEntry, Subscription } from "../../src/store/types.js";

/** A chat row with the product's defaults (notify/chats.ts), created 2026-01-01, digest time 09:00. */
export function chat(id: number, extra: Partial<Chat> = {}): Chat {
  return defaultChat(id, new Date("2026-01-01T00:00:00.000Z"), { digest: { mode: "off", time: "09:00" }, ...extra });
}

/** A subscription. */
export function sub(chatId: number, kind: Subscription["kind"], value: string, threadId?: number): Subscription {
  return { chatId, kind, value, createdAt: "2026-01-01T00:00:00.000Z", ...(threadId !== undefined ? { threadId } : {}) };
}

/** A portal entry. */
export function portal(id: string, name: string, region?: string, level?: PortalEntry["level"]): PortalEntry {
  return { id, name, url: `http://127.0.0.1:9/${id}/`, ...(region ? { region } : {}), ...(level ? { level } : {}) };
}

/** A fresh LowdbStore in a temp dir; `cleanup` closes and removes it. */
export const tempStore = () => sharedTempStore("delivery");
