/**
 * The parsed form of one 政府信息公开工作年度报告 (see ../shared/DOMAIN.md, "The JSON a parsed
 * report becomes"). Keys are English; each field's doc carries the official Chinese label of the
 * national format (国办公开办函〔2021〕30号, and 〔2019〕60号 for report years 2019–2020).
 *
 * A blank cell, "/" or "—" is `null`, never 0: the difference is itself reportable.
 */
import { z } from "zod";

/** A table cell: a non-negative number, or null when blank / unreadable. */
export const Cell = z.number().finite().nonnegative().nullable();
export type Cell = z.infer<typeof Cell>;

/** 第二十条第（一）项 rows of the 2021 layout. */
export const DocCounts2021 = z.object({
  /** 本年制发件数 */
  made: Cell,
  /** 本年废止件数 */
  repealed: Cell,
  /** 现行有效件数 */
  valid: Cell,
});

/** 表二 主动公开政府信息情况, 2021 layout. */
export const ActiveDisclosure2021 = z.object({
  format: z.literal("2021").optional(),
  /** 规章 */
  regulations: DocCounts2021,
  /** 行政规范性文件 */
  normativeDocuments: DocCounts2021,
  /** 第二十条第（五）项 行政许可 本年处理决定数量 */
  licensing: Cell,
  /** 第二十条第（六）项 行政处罚 本年处理决定数量 */
  punishment: Cell,
  /** 第二十条第（六）项 行政强制 本年处理决定数量 */
  coercion: Cell,
  /** 第二十条第（八）项 行政事业性收费 本年收费金额（万元） */
  fees: Cell,
});
export type ActiveDisclosure2021 = z.infer<typeof ActiveDisclosure2021>;

/** 第二十条第（一）项 rows of the 2019 layout. */
export const DocCounts2019 = z.object({
  /** 本年新制作数量 */
  newMade: Cell,
  /** 本年新公开数量 */
  newPublished: Cell,
  /** 对外公开总数量 */
  totalPublic: Cell,
});
/** 第二十条第（五）（六）项 rows of the 2019 layout. */
export const ItemCounts2019 = z.object({
  /** 上一年项目数量 */
  prevYearItems: Cell,
  /** 本年增/减 */
  change: z.number().finite().nullable(),
  /** 处理决定数量 */
  decisions: Cell,
});

/** 表二 主动公开政府信息情况, 2019 layout (国办公开办函〔2019〕60号). */
export const ActiveDisclosure2019 = z.object({
  format: z.literal("2019"),
  /** 规章 */
  regulations: DocCounts2019,
  /** 规范性文件 */
  normativeDocuments: DocCounts2019,
  /** 行政许可 */
  licensing: ItemCounts2019,
  /** 其他对外管理服务事项 */
  otherServices: ItemCounts2019,
  /** 行政处罚 */
  punishment: ItemCounts2019,
  /** 行政强制 */
  coercion: ItemCounts2019,
  /** 行政事业性收费 上一年项目数量 / 本年增/减 */
  fees: z.object({ prevYearItems: Cell, change: z.number().finite().nullable() }),
  /** 政府集中采购 采购项目数量 / 采购总金额 */
  procurement: z.object({ projects: Cell, amount: Cell }),
});
export type ActiveDisclosure2019 = z.infer<typeof ActiveDisclosure2019>;

export const ActiveDisclosure = z.union([ActiveDisclosure2019, ActiveDisclosure2021]);
export type ActiveDisclosure = z.infer<typeof ActiveDisclosure>;

/**
 * 表三 columns, in order: 自然人; 法人或其他组织: 商业企业, 科研机构, 社会公益组织, 法律服务机构,
 * 其他; 总计.
 */
export const APPLICANT_COLUMNS = [
  "自然人",
  "商业企业",
  "科研机构",
  "社会公益组织",
  "法律服务机构",
  "其他",
  "总计",
] as const;
export const TOTAL_COLUMN = 6;

/** 表三 row keys, in table order, with their official labels. */
export const REQUEST_ROWS = {
  newReceived: "一、本年新收政府信息公开申请数量",
  carriedOver: "二、上年结转政府信息公开申请数量",
  granted: "（一）予以公开",
  partial: "（二）部分公开",
  denied_stateSecret: "（三）不予公开 1.属于国家秘密",
  denied_lawForbidden: "（三）不予公开 2.其他法律行政法规禁止公开",
  denied_safetyStability: "（三）不予公开 3.危及“三安全一稳定”",
  denied_thirdParty: "（三）不予公开 4.保护第三方合法权益",
  denied_internal: "（三）不予公开 5.属于三类内部事务信息",
  denied_process: "（三）不予公开 6.属于四类过程性信息",
  denied_enforcement: "（三）不予公开 7.属于行政执法案卷",
  denied_query: "（三）不予公开 8.属于行政查询事项",
  unable_noInfo: "（四）无法提供 1.本机关不掌握相关政府信息",
  unable_needCreation: "（四）无法提供 2.没有现成信息需要另行制作",
  unable_unclear: "（四）无法提供 3.补正后申请内容仍不明确",
  notProcessed_complaint: "（五）不予处理 1.信访举报投诉类申请",
  notProcessed_repeat: "（五）不予处理 2.重复申请",
  notProcessed_publication: "（五）不予处理 3.要求提供公开出版物",
  notProcessed_massive: "（五）不予处理 4.无正当理由大量反复申请",
  notProcessed_confirm: "（五）不予处理 5.要求行政机关确认或重新出具已获取信息",
  other_overdueCorrection: "（六）其他处理 1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
  other_overdueFee: "（六）其他处理 2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
  other_other: "（六）其他处理 3.其他",
  otherHandling: "（六）其他处理（单行，2019 版式或合并填报）",
  total: "（七）总计",
  carriedForward: "四、结转下年度继续办理",
} as const;
export type RequestRowKey = keyof typeof REQUEST_ROWS;
export const REQUEST_ROW_KEYS = Object.keys(REQUEST_ROWS) as RequestRowKey[];

/** 表三 result sub-rows by heading: (三)不予公开, (四)无法提供, (五)不予处理, (六)其他处理 (2021 layout). */
export const REQUEST_ROW_GROUPS = {
  denied: [
    "denied_stateSecret",
    "denied_lawForbidden",
    "denied_safetyStability",
    "denied_thirdParty",
    "denied_internal",
    "denied_process",
    "denied_enforcement",
    "denied_query",
  ],
  unable: ["unable_noInfo", "unable_needCreation", "unable_unclear"],
  notProcessed: ["notProcessed_complaint", "notProcessed_repeat", "notProcessed_publication", "notProcessed_massive", "notProcessed_confirm"],
  other: ["other_overdueCorrection", "other_overdueFee", "other_other"],
} as const satisfies Record<string, readonly RequestRowKey[]>;

/** One 表三 row: 7 cells in APPLICANT_COLUMNS order. */
export const RequestRow = z.array(Cell).length(7);
export type RequestRow = z.infer<typeof RequestRow>;

/** 表三 收到和处理政府信息公开申请情况: row key → 7 cells. Rows absent from the source are omitted. */
export const Requests = z.partialRecord(z.enum(REQUEST_ROW_KEYS as [RequestRowKey, ...RequestRowKey[]]), RequestRow);
export type Requests = z.infer<typeof Requests>;

/** 表四 block: 结果维持, 结果纠正, 其他结果, 尚未审结, 总计. */
export const ReviewBlock = z.array(Cell).length(5);
export const REVIEW_COLUMNS = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] as const;

/** 表四 政府信息公开行政复议、行政诉讼情况. */
export const ReviewLitigation = z.object({
  /** 行政复议 */
  review: ReviewBlock,
  /** 行政诉讼 未经复议直接起诉 */
  litigationDirect: ReviewBlock,
  /** 行政诉讼 复议后起诉 */
  litigationAfterReview: ReviewBlock,
});
export type ReviewLitigation = z.infer<typeof ReviewLitigation>;

export const Severity = z.enum(["error", "warning", "info"]);
export type Severity = z.infer<typeof Severity>;

/** A problem a careful reader would find. `rule` is a stable id such as "t3.balance". */
export const Finding = z.object({
  rule: z.string(),
  severity: Severity,
  /** zh-CN, names the cells and both sides of the equation. */
  message: z.string(),
  /** Cell references, e.g. "表三.total[6]". */
  cells: z.array(z.string()).optional(),
  /** English rendering of the message, for the `en` locale. */
  messageEn: z.string().optional(),
});
export type Finding = z.infer<typeof Finding>;

export const Layout = z.enum(["2021", "2019", "pre-2019"]).nullable();
export type Layout = z.infer<typeof Layout>;

/** Six section headings found in the text (一 … 六), for completeness checks. */
export const Report = z.object({
  /** The input as given (path or URL). */
  source: z.string(),
  title: z.string().nullable(),
  agency: z.string().nullable(),
  /** 报告年度 */
  year: z.number().int().nullable(),
  layout: Layout,
  /** 发布时间, ISO date (YYYY-MM-DD) when known. */
  publishedAt: z.string().nullable().optional(),
  /** 表二; null when absent. */
  activeDisclosure: ActiveDisclosure.nullable(),
  /** 表三; null when absent. */
  requests: Requests.nullable(),
  /** 表四; null when absent. */
  reviewLitigation: ReviewLitigation.nullable(),
  findings: z.array(Finding),
});
export type Report = z.infer<typeof Report>;
