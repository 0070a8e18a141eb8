import { describe, expect, it } from "vitest";
import { createIdentity } from "../../src/agency/identity.js";
import { agencyDisplayName, matchForm } from "../../src/agency/names.js";
import { matchesSubscription } from "../../src/notify/match.js";

describe("matchForm", () => {
  it("folds Traditional, full-width and spaced variants of one name onto one form", () => {
    expect(matchForm("橫峰縣人民政府辦公室")).toBe(matchForm("横峰县人民政府办公室"));
    expect(matchForm("沭阳县 发改局")).toBe("沭阳县发改局");
    expect(matchForm("ＡＢＣ１２３")).toBe("abc123");
    expect(matchForm("ＡＢＣ　沭陽")).toBe("abc沭阳");
    expect(matchForm(null)).toBe("");
  });
  it("is the form subscriptions match on: a Traditional subscription finds a Simplified report", () => {
    const r = { report: { agency: "陕西省乾县人民政府", title: null } };
    expect(matchesSubscription({ chatId: 1, kind: "agency", value: "乾縣", createdAt: "" }, r)).toBe(true);
  });
});

describe("display names keep the source's characters", () => {
  // opencc's character mode turns 乾 into 干 (乾燥 → 干燥); a county's name must never change.
  it("乾县 is shown as 乾县, never 干县", () => {
    const r = { url: "http://127.0.0.1/x", report: { agency: "乾县人民政府", title: null } };
    expect(agencyDisplayName(r)).toBe("乾县人民政府");
    const id = createIdentity().resolve("qx", "乾县人民政府办公室2024年政府信息公开工作年度报告");
    expect(id?.name).toBe("乾县人民政府办公室");
    expect(id?.name).not.toContain("干");
  });
  it("Traditional and Simplified spellings still resolve to one agency key", () => {
    const identity = createIdentity();
    expect(identity.key("hf", "橫峰縣人民政府辦公室")).toBe(identity.key("hf", "横峰县人民政府办公室"));
  });
  it("falls back to the title, then the portal's name, then the URL", () => {
    expect(agencyDisplayName({ url: "u", report: { agency: null, title: "某报告" } })).toBe("某报告");
    expect(agencyDisplayName({ url: "u", report: { agency: null, title: null } }, { name: "某门户" })).toBe("某门户");
    expect(agencyDisplayName({ url: "u", report: { agency: null, title: null } })).toBe("u");
  });
});
