/** /digest, /quiet and /settings of src/bot/settings.ts, on the real bot at unit speed. */
import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestBot } from "../support/test-bot.js";
import type { TestBot } from "../support/test-bot.js";

let t: TestBot;
beforeAll(async () => {
  t = await createTestBot();
});
afterAll(async () => {
  await t?.stop();
});

it("/digest, /quiet and /settings are stored per chat", async () => {
  await t.say(303, { id: 303 }, "/digest daily 7:30");
  await t.say(303, { id: 303 }, "/quiet 22-08 silent");
  const [s] = await t.say(303, { id: 303 }, "/settings");
  expect(s!.plain).toContain("摘要：每天 07:30");
  expect(s!.plain).toContain("免打扰：22:00–08:00（静音发送）");
  expect(await t.store.getChat(303)).toMatchObject({ digest: { mode: "daily", time: "07:30" }, quiet: { from: 22, to: 8, mode: "silent" } });
  const [bad] = await t.say(303, { id: 303 }, "/quiet 8-8");
  expect(bad!.plain).toContain("用法：/quiet");
  await t.say(303, { id: 303 }, "/quiet off");
  expect((await t.store.getChat(303))?.quiet).toBeNull();
});
