import { describe, expect, it } from "vitest";
import { inQuietWindow, lastDigestSlot, quietDecision } from "../../src/notify/time.js";
import { formatLocal } from "../../src/render/time.js";
import { Pacer } from "../../src/notify/sender.js";

const TZ = "Asia/Shanghai";

describe("quiet hours", () => {
  it("handles windows across midnight", () => {
    expect(inQuietWindow(23, 22, 8)).toBe(true);
    expect(inQuietWindow(7, 22, 8)).toBe(true);
    expect(inQuietWindow(8, 22, 8)).toBe(false);
    expect(inQuietWindow(13, 12, 14)).toBe(true);
    expect(inQuietWindow(5, 5, 5)).toBe(false);
  });
  it("hold → the end of the window in the configured zone; silent → disable_notification", () => {
    const at = new Date("2026-03-01T15:30:00Z"); // 23:30 in Shanghai
    const hold = quietDecision({ quiet: { from: 22, to: 8, mode: "hold" } }, at, TZ);
    expect(hold).toEqual({ holdUntil: new Date("2026-03-02T00:00:00Z") }); // 08:00 Shanghai
    expect(quietDecision({ quiet: { from: 22, to: 8, mode: "silent" } }, at, TZ)).toEqual({ silent: true });
    expect(quietDecision({ quiet: { from: 9, to: 18, mode: "hold" } }, at, TZ)).toBeNull();
    expect(quietDecision({ quiet: null }, at, TZ)).toBeNull();
  });
});

describe("digest slots", () => {
  it("daily: the latest HH:MM at or before now, local time", () => {
    expect(lastDigestSlot("daily", "09:00", new Date("2026-03-02T01:05:00Z"), TZ)).toEqual(new Date("2026-03-02T01:00:00Z"));
    expect(lastDigestSlot("daily", "09:00", new Date("2026-03-02T00:55:00Z"), TZ)).toEqual(new Date("2026-03-01T01:00:00Z"));
    expect(lastDigestSlot("off", "09:00", new Date(), TZ)).toBeNull();
    expect(lastDigestSlot("daily", "25:00", new Date(), TZ)).toBeNull();
  });
  it("weekly: Mondays", () => {
    // 2026-03-04 is a Wednesday.
    const slot = lastDigestSlot("weekly", "08:30", new Date("2026-03-04T06:00:00Z"), TZ)!;
    expect(formatLocal(slot, TZ)).toBe("2026-03-02 08:30");
  });
});

describe("Pacer", () => {
  it("keeps ≤ 1/s per chat, ≤ 20/min per group and the global rate, with injected time", () => {
    let t = 1_000_000;
    const p = new Pacer({ perChatPerSec: 1, perGroupPerMin: 20, globalPerSec: 3, marginMs: 0 }, () => t);
    const send = (chatId: number): void => p.settle(p.record(chatId));
    expect(p.waitMs(1)).toBe(0);
    send(1);
    expect(p.waitMs(1)).toBe(1000);
    send(2);
    send(3);
    expect(p.waitMs(4)).toBe(1000); // global 3/s used up
    t += 1000;
    expect(p.waitMs(4)).toBe(0);
    for (let i = 0; i < 20; i++) {
      expect(p.waitMs(-5)).toBe(0);
      send(-5);
      t += 1000;
    }
    expect(p.waitMs(-5)).toBe(40_000); // the 20th message of the minute was 20 s ago
    p.pauseAll(t + 500);
    expect(p.waitMs(7)).toBe(500);
  });

  it("counts a send from Telegram's answer: a slow request holds its slot until it returns", () => {
    let t = 0;
    const p = new Pacer({ perChatPerSec: 1, perGroupPerMin: 20, globalPerSec: 1, marginMs: 0 }, () => t);
    const slot = p.record(1);
    t = 5000; // still under way after 5 s
    expect(p.waitMs(2)).toBe(1000);
    p.settle(slot);
    t = 5999;
    expect(p.waitMs(2)).toBe(1);
    t = 6000;
    expect(p.waitMs(2)).toBe(0);
    const unused = p.record(3);
    p.release(unused); // nothing was sent
    expect(p.waitMs(3)).toBe(0);
  });
});
