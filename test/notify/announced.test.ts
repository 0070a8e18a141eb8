/** The "already announced?" rules (pure): event log first, outbox rows second. */
import { describe, expect, it } from "vitest";
import { buildAnnounced, repeatReason } from "../../src/notify/announced.js";
import type { WatchEvent } from "../../src/store/types.js";

const ev = (seq: number, id: string, kind: WatchEvent["kind"], reportIds: string[], at = "2026-03-01T00:00:00.000Z"): WatchEvent => ({
  seq,
  id,
  kind,
  at,
  portalId: "pt",
  reportIds,
});

describe("repeatReason", () => {
  it("a report in an earlier baseline or new event is a repeat; the first announcement is not", () => {
    const log = [ev(1, "baseline:pt", "baseline", ["a", "b"]), ev(2, "new:c", "new", ["c"]), ev(3, "new:a", "new", ["a"]), ev(4, "new:c2", "new", ["c"])];
    const idx = buildAnnounced(log, []);
    expect(repeatReason(log[1]!, idx)).toBeNull();
    expect(repeatReason(log[2]!, idx)).toMatch(/already announced by event baseline:pt/);
    expect(repeatReason(log[3]!, idx)).toMatch(/by event new:c$/);
    expect(repeatReason(log[0]!, idx)).toBeNull(); // only "new" events are checked
  });

  it("outbox rows of the same event made before the event: the log was restored; made after: a re-run", () => {
    const e = ev(7, "new:x", "new", ["x"], "2026-03-05T00:00:00.000Z");
    expect(repeatReason(e, buildAnnounced([e], [{ eventId: "new:x", createdAt: "2026-02-01T00:00:00.000Z" }]))).toMatch(/restored/);
    expect(repeatReason(e, buildAnnounced([e], [{ eventId: "new:x", createdAt: "2026-03-05T00:00:01.000Z" }]))).toBeNull();
  });
});
