/** The stored row of a chat, with nianbao's defaults (pure). */
import type { Chat } from "../store/types.js";

/**
 * The row of a chat not stored yet: active, Chinese, no digest (its time defaults to 08:00),
 * no quiet hours. Positive ids are private chats; groups are assumed to be supergroups until
 * Telegram says otherwise. `init` overrides (type, title, lang …).
 */
export function defaultChat(id: number, now: Date, init: Partial<Chat> = {}): Chat {
  return {
    id,
    type: id > 0 ? "private" : "supergroup",
    active: true,
    lang: "zh",
    digest: { mode: "off", time: "08:00" },
    quiet: null,
    lastDigestAt: null,
    createdAt: now.toISOString(),
    ...init,
  };
}
