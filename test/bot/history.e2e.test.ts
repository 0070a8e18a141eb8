/**
 * One history command end to end: /trend over the Bot API emulator on 127.0.0.1, so the chart
 * goes out as a real multipart upload. The semantics of /compare, /trend and /rank are tested at
 * unit speed in history.test.ts.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { fixtureReports, portalsOf } from "../support/reports.js";
import { startHarness } from "./harness.js";
import type { Harness } from "./harness.js";

const USER = { id: 501, first_name: "研究员" };
const PRIVATE = 501;

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ reports: fixtureReports(), portals: portalsOf(fixtureReports()) });
  h.emu.addChat({ id: PRIVATE, type: "private" });
});
afterAll(async () => {
  await h?.stop();
});

it("/trend answers with a PNG chart uploaded as multipart, and a caption", async () => {
  const [msg] = await h.say(PRIVATE, USER, "/trend 平潭综合实验区 新收");
  expect(msg?.photo?.content.subarray(1, 4).toString("latin1")).toBe("PNG");
  expect(msg?.photo?.content.length).toBeGreaterThan(2000);
  expect(msg?.text).toContain("平潭综合实验区");
});
