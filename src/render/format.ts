/**
 * Telegram HTML helpers (pure): escaping of dynamic strings and splitting long messages into
 * parts that each fit in one Telegram message without breaking a tag or an entity.
 *
 * Telegram's HTML parse mode knows only `&lt; &gt; &amp; &quot;` and numeric entities; every
 * string that comes from a portal, a report or a user must go through `escapeHtml`.
 */

/** Telegram's message length limit (characters after entity parsing). */
export const TELEGRAM_LIMIT = 4096;

/** Escapes `& < > "` for Telegram HTML (text and attribute values). */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : "&quot;"));
}

/** Length of a text once Telegram has parsed its HTML (tags removed, entities counted as one). */
export function visibleLength(html: string): number {
  // Counted in UTF-16 code units, as Telegram does.
  return html.replace(/<[^>]*>/g, "").replace(/&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);/g, "x").length;
}

/**
 * Joins `blocks` with "\n" into as few messages as possible, each ≤ `limit` raw characters (raw
 * length is an upper bound of the parsed length, so this is safe). Splits only between blocks
 * (rows / paragraphs); a single block longer than `limit` is split between its lines, and a
 * single line longer than `limit` is cut between tokens, never inside a tag or an entity, closing
 * the open tags at the cut and reopening them in the next part so each part is valid HTML.
 */
export function splitMessage(blocks: string[], limit: number = TELEGRAM_LIMIT): string[] {
  if (limit < 64) throw new Error("splitMessage: limit too small");
  const parts: string[] = [];
  let cur = "";
  const push = (piece: string): void => {
    if (cur === "") {
      cur = piece;
    } else if (cur.length + 1 + piece.length <= limit) {
      cur += "\n" + piece;
    } else {
      parts.push(cur);
      cur = piece;
    }
  };
  for (const block of blocks) {
    if (block.length <= limit) {
      push(block);
      continue;
    }
    // An over-long block: lines first, then hard cuts.
    for (const line of splitLines(block, limit)) push(line);
  }
  if (cur !== "" || parts.length === 0) parts.push(cur);
  return parts.filter((p, i) => p.trim() !== "" || (i === 0 && parts.length === 1));
}

/** Splits a block at line boundaries; lines longer than `limit` are hard-cut. */
function splitLines(block: string, limit: number): string[] {
  const out: string[] = [];
  // Lines may carry tags opened on an earlier line (e.g. <pre> around a table): track the stack
  // across lines so each emitted piece is balanced.
  const tokens = tokenize(block);
  const stack: { name: string; open: string }[] = [];
  let cur = "";
  let curOpenPrefix = ""; // tags reopened at the start of `cur`
  const closing = (): string => stack.map((t) => `</${t.name}>`).reverse().join("");
  const reopen = (): string => stack.map((t) => t.open).join("");
  let lastNewlineCut: { text: string; stack: { name: string; open: string }[] } | null = null;

  const flush = (): void => {
    if (cur.length > curOpenPrefix.length) out.push(cur + closing());
    curOpenPrefix = reopen();
    cur = curOpenPrefix;
    lastNewlineCut = null;
  };

  for (const tok of tokens) {
    const tagMatch = /^<(\/)?([a-zA-Z-]+)/.exec(tok);
    let nextStack = stack;
    if (tagMatch) {
      const name = (tagMatch[2] ?? "").toLowerCase();
      if (tagMatch[1]) {
        nextStack = stack.slice();
        const idx = nextStack.map((t) => t.name).lastIndexOf(name);
        if (idx >= 0) nextStack.splice(idx, 1);
      } else if (!tok.endsWith("/>")) {
        nextStack = [...stack, { name, open: tok }];
      }
    }
    const closeLen = nextStack.reduce((n, t) => n + t.name.length + 3, 0);
    if (cur.length + tok.length + closeLen > limit && cur.length > curOpenPrefix.length) {
      // Prefer cutting at the last newline of the current piece.
      const cut = lastNewlineCut as { text: string; stack: { name: string; open: string }[] } | null;
      if (cut && cut.text.length > curOpenPrefix.length) {
        const rest = cur.slice(cut.text.length + 1);
        const closeAtCut = cut.stack.map((t) => `</${t.name}>`).reverse().join("");
        out.push(cut.text + closeAtCut);
        curOpenPrefix = cut.stack.map((t) => t.open).join("");
        cur = curOpenPrefix + rest;
        lastNewlineCut = null;
        if (cur.length + tok.length + closeLen > limit && cur.length > curOpenPrefix.length) flush();
      } else {
        flush();
      }
    }
    if (tok === "\n") {
      lastNewlineCut = { text: cur, stack: stack.slice() };
      cur += tok;
    } else {
      cur += tok;
    }
    if (nextStack !== stack) {
      stack.length = 0;
      stack.push(...nextStack);
    }
  }
  if (cur.length > curOpenPrefix.length) out.push(cur + closing());
  // Trim the newline that may begin a piece after a cut.
  return out.map((p) => p.replace(/^\n+/, "").replace(/\n+$/, "")).filter((p) => p !== "");
}

/** Tags, entities, newlines and single characters (surrogate pairs kept whole). */
function tokenize(s: string): string[] {
  return s.match(/<[^>]*>|&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);|\n|[\uD800-\uDBFF][\uDC00-\uDFFF]|[\s\S]/g) ?? [];
}

/** The icon shown before a finding of each severity. */
export function severityIcon(severity: "error" | "warning" | "info"): string {
  return SEVERITY_ICONS[severity];
}
const SEVERITY_ICONS = { error: "❌", warning: "⚠️", info: "ℹ️" } as const;
