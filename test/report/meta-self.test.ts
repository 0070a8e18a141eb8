/**
 * Agency recovered from the body when the report has no title line and no "本报告由…编制"
 * sentence (seed 004, golden wuqing-2021-pipe: "区政务服务办" + "武清政务网" + "天津网上办事大厅").
 * Synthetic texts below use other places and offices, so the rule is tested, not the fixture.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { agencyFromSelfReference, extractMeta } from "../../src/report/meta.js";
import { parseDocument } from "../../src/report/parse.js";

const here = path.dirname(fileURLToPath(import.meta.url));

const body = (subject: string, extra: string): string =>
  `统计期限自2022年1月1日起至2022年12月31日止。\n一、总体情况\n2022年，${subject}坚持以人民为中心，认真落实政务公开工作要求。${extra}\n二、主动公开政府信息情况`;

describe("agencyFromSelfReference", () => {
  it("seed 004 (武清): office + district from its portals + the municipality it names", async () => {
    const bytes = new Uint8Array(readFileSync(path.join(here, "../golden/wuqing-2021-pipe/source.txt")));
    const out = await parseDocument({ source: "wuqing.txt", bytes });
    expect(out.ok && out.report.title).toBe(null);
    expect(out.ok && out.report.agency).toBe("天津市武清区政务服务办公室");
  });

  it("a district of another municipality, office named in full", () => {
    const t = body("区司法局", "依托闵行政务网公开信息，“一网通办”闵行旗舰店同步发布。上海市民可在线查询。区司法局制定了工作制度。");
    expect(agencyFromSelfReference(t)).toBe("上海市闵行区司法局");
  });

  it("a county office: no municipality, 县 from the portal name itself", () => {
    const t = body("县发展和改革局", "通过沭阳县人民政府网发布信息，县发展和改革局及时更新沭阳县相关栏目。");
    expect(agencyFromSelfReference(t)).toBe("沭阳县发展和改革局");
  });

  it("keeps a 新区 the text names", () => {
    const t = body("区政务服务办", "在浦东政务网公开信息，浦东新区各部门配合；上海市各区同步推进。区政务服务办牵头。");
    expect(agencyFromSelfReference(t)).toBe("上海市浦东新区政务服务办公室");
  });

  it("a municipality mentioned in passing is not a parent", () => {
    const t = body("区司法局", "学习北京经验，在闵行政务网公开；闵行旗舰店同步。区司法局牵头。");
    expect(agencyFromSelfReference(t)).toBe("闵行区司法局");
  });

  it("null when the place is ambiguous, missing, or the office is named once or two ways", () => {
    // Two different places before portals.
    expect(agencyFromSelfReference(body("区司法局", "在闵行政务网、徐汇政务网公开；闵行、徐汇两区配合。区司法局牵头。"))).toBeNull();
    // No portal at all.
    expect(agencyFromSelfReference(body("区司法局", "区司法局制定了制度。"))).toBeNull();
    // The office never recurs.
    expect(agencyFromSelfReference(body("区司法局", "在闵行政务网公开；闵行旗舰店同步。"))).toBeNull();
    // Two offices claim the subject.
    expect(agencyFromSelfReference(body("区司法局", "在闵行政务网公开；闵行旗舰店同步。区司法局牵头。2022年，区教育局认真落实。区教育局配合。"))).toBeNull();
  });

  it("is a last resort: the title and the 编制 sentence win", () => {
    const t = body("区司法局", "在闵行政务网公开；闵行旗舰店同步。区司法局牵头。");
    expect(extractMeta(`示例区人民政府2022年政府信息公开工作年度报告\n${t}`).agency).toBe("示例区人民政府");
    expect(extractMeta(`本报告由示例区人民政府办公室编制。${t}`).agency).toBe("示例区人民政府办公室");
    // No municipality named here: the district alone.
    expect(extractMeta(t).agency).toBe("闵行区司法局");
  });
});
