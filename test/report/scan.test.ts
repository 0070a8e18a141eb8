import { describe, expect, it } from "vitest";
import { rowSumOk } from "../../src/report/glued.js";
import { readTables } from "../../src/report/layouts/index.js";
import { compact, readCells, valueRun } from "../../src/report/layouts/scan.js";

describe("scan", () => {
  it("drops whitespace inside wrapped labels but keeps gaps between numbers", () => {
    expect(compact("5.要求行政机关确认或重 新出具\n已获取信息 0 0\t1")).toBe("5.要求行政机关确认或重新出具已获取信息0 0 1");
  });

  it("cuts a value run before the next sub-row's numbering and at headings", () => {
    const c = "1.属于国家秘密00000002.其他法律";
    expect(valueRun(c, "1.属于国家秘密".length, c.length)).toBe("0000000");
    expect(valueRun("行政强制 0第二十条第(八)项信息内容本年收费金额(单位:万元,保留4位小数)", 4, 60)).toBe("0");
  });

  it("reads spaced cells, blank markers, and glued rows", () => {
    expect(readCells("21 0 0 0 0 0 21", 7).cells).toEqual([21, 0, 0, 0, 0, 0, 21]);
    expect(readCells("26 \u2205 \u2205 \u2205 \u2205 \u2205 26", 7).cells).toEqual([26, null, null, null, null, null, 26]);
    expect(readCells("230 000023", 7, rowSumOk)).toMatchObject({ how: "glued", cells: [23, 0, 0, 0, 0, 0, 23] });
    expect(readCells("abc", 7).how).toBe("none");
  });

  it("reads thousands separators as one number", () => {
    const t = readTables("二、主动公开政府信息情况\n第二十条第(五)项\n信息内容 本年处理决定数量\n行政许可 73,021\n第二十条第(六)项\n行政处罚 1,100\n", "", 2022);
    const ad = t.activeDisclosure;
    expect(ad && "licensing" in ad ? ad.licensing : null).toBe(73021);
  });

  it("does not take numbers from the narrative when a row is missing", () => {
    const t = readTables("第二十条第(一)项 信息内容 本年制发件数 本年废止件数 现行有效件数\n规章 0 0 0\n行政规范性文件 1 0 5\n五、存在的主要问题及改进情况\n行政强制执行了3次，行政许可12件", "", 2022);
    const ad = t.activeDisclosure;
    expect(ad && "coercion" in ad ? [ad.coercion, ad.licensing] : null).toEqual([null, null]);
  });
});
