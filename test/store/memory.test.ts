/** The MemoryStore passes the same contract as the lowdb driver (test/store/contract.ts). */
import { describe, expect, it } from "vitest";
import { MemoryStore } from "../../src/store/memory.js";
import { testStoreDriver } from "./contract.js";

testStoreDriver({
  name: "MemoryStore",
  make: async () => {
    const s = new MemoryStore();
    await s.open();
    return s;
  },
  // Data lives as long as the instance: a reopen is close + open of the same one.
  reopen: async (s) => {
    await s.close();
    await s.open();
    return s;
  },
});

describe("MemoryStore", () => {
  it("keeps separate instances apart", async () => {
    const a = new MemoryStore();
    const b = new MemoryStore();
    await a.open();
    await b.open();
    await a.addEvents([{ id: "e", kind: "new", at: "", portalId: "p", reportIds: [] }]);
    expect(await b.eventsAfter(0)).toEqual([]);
    expect((await b.addEvents([{ id: "e", kind: "new", at: "", portalId: "p", reportIds: [] }]))[0]?.seq).toBe(1);
  });
});
