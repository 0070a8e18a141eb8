import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createIdentity } from "../../src/agency/identity.js";
import { findAgency } from "../../src/agency/series.js";
import type { LowdbStore } from "../../src/store/lowdb.js";
import type { Store } from "../../src/store/types.js";
import { PORTALS, constructed, corpusReports } from "../support/reports.js";
import { tempStore } from "../support/temp.js";

let store: LowdbStore;
let cleanup: () => Promise<void>;
const identity = createIdentity({ portals: PORTALS });

beforeAll(async () => {
  ({ store, cleanup } = await tempStore("agency"));
  await store.putReports([
    ...corpusReports(),
    constructed("mz-2023", "suqian", "宿迁市民政局", 2023, { newReceived: 9 }),
    constructed("mz-2024", "suqian", "宿迁市民政局", 2024, { newReceived: 12 }),
    constructed("symz-2024", "shuyang-fgj", "沭阳县民政局", 2024, { newReceived: 3 }),
  ]);
});
afterAll(async () => {
  await cleanup();
});

/** The real store, with every call it receives recorded (calls pass straight through). */
function recording(s: Store): { store: Store; calls: { name: string; args: unknown[] }[] } {
  const calls: { name: string; args: unknown[] }[] = [];
  const proxy = new Proxy(s, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver) as unknown;
      if (typeof v !== "function") return v;
      return (...args: unknown[]) => {
        calls.push({ name: String(prop), args });
        return (v as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store: proxy, calls };
}

describe("findAgency on report heads", () => {
  it("resolves on heads and reads in full only the chosen agency's reports", async () => {
    const { store: s, calls } = recording(store);
    const l = await findAgency(s, "宿迁市民政局", identity);
    expect(l.ok && l.reports.map((r) => r.id).sort()).toEqual(["mz-2023", "mz-2024"]);
    expect(l.ok && l.reports.every((r) => r.report.requests !== null)).toBe(true);
    const names = calls.map((c) => c.name);
    expect(names.at(-1)).toBe("getReports");
    expect(new Set(names.slice(0, -1))).toEqual(new Set(["findReportHeads"]));
    expect((calls.at(-1)!.args[0] as string[]).slice().sort()).toEqual(["mz-2023", "mz-2024"]);
  });

  it("an ambiguous name is answered from heads alone (no full report read)", async () => {
    const { store: s, calls } = recording(store);
    const l = await findAgency(s, "民政局", identity);
    expect(l).toMatchObject({ ok: false, reason: "ambiguous" });
    expect(!l.ok && l.candidates.map((c) => [c.name, c.years])).toEqual([
      ["沭阳县民政局", [2024]],
      ["宿迁市民政局", [2023, 2024]],
    ]);
    expect(new Set(calls.map((c) => c.name))).toEqual(new Set(["findReportHeads"]));
  });

  it("gives the same reports as the full-report queries it replaced (key, name, variant, scope)", async () => {
    for (const [q, scope] of [
      ["宿迁市民政局", {}],
      ["suqian:民政局", {}],
      ["洪泽区政府", {}],
      ["平潭", { year: 2024 }],
      ["没有这个机关", {}],
    ] as const) {
      const l = await findAgency(store, q, identity, scope);
      if (!l.ok) {
        expect(l.reason, q).toMatch(/none|ambiguous/);
        continue;
      }
      // Reference: every stored report with the chosen key, read with findReports.
      const ref = (await store.findReports({ ...scope })).filter((r) => (r.agencyKey ?? identity.ofReport(r)?.key) === l.key);
      expect(l.reports.map((r) => r.id).sort(), q).toEqual(ref.map((r) => r.id).sort());
      expect(l.reports, q).toEqual(await store.getReports(l.reports.map((r) => r.id)));
    }
  });
});
