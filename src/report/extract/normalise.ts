/**
 * Text normalisation shared by every extractor: Traditional → Simplified (opencc-js), full-width
 * digits/letters/punctuation → half-width, odd spaces → plain spaces. Pure.
 */
import * as OpenCC from "opencc-js";

type Convert = (s: string) => string;
let t2s: Convert | null = null;

/** The opencc converter is costly to build (tens of ms): build it once, on first need. */
function converter(): Convert {
  t2s ??= OpenCC.Converter({ from: "t", to: "cn" }) as Convert;
  return t2s;
}

// Characters that exist only in Traditional script and are common in 年报 (國, 開, 報 …). Checking
// for them first lets Simplified documents — almost all — skip the opencc pass (PITFALLS: ~µs per
// phrase, but it adds up over a whole report).
const TRAD_ONLY_CHARS = "國開報關務與發處體請況縣辦條項規機構區實這個會為統計數過產當時間們應對見題鄉鎮復訴訟議結轉總權護認據經濟環進標準責審齊從資";
// A lookup table over UTF-16 code units: six times faster than a regex scan of a Simplified text
// (which never matches and so reads the whole 20,000-character sample).
const TRAD_ONLY = new Uint8Array(0x10000);
for (let i = 0; i < TRAD_ONLY_CHARS.length; i++) TRAD_ONLY[TRAD_ONLY_CHARS.charCodeAt(i)] = 1;

/** True when the text looks like Traditional Chinese (≥ 3 Traditional-only characters). */
export function looksTraditional(s: string): boolean {
  const end = Math.min(s.length, 20_000);
  let n = 0;
  for (let i = 0; i < end; i++) if (TRAD_ONLY[s.charCodeAt(i)] === 1 && ++n >= 3) return true;
  return false;
}

const charCache = new Map<string, string>();

/**
 * Traditional → Simplified one character at a time, unconditionally, for matching only. Each
 * character always maps the same way, whatever surrounds it (phrase mode turns 乾县人民政府 into
 * 干县… but 乾縣 into 乾县, so two spellings of one name would not meet). It turns 乾 into 干:
 * names shown to people keep the source's characters.
 */
export function simplifyChars(s: string): string {
  let out = "";
  for (const ch of s) {
    if (ch.charCodeAt(0) < 0x2e80) {
      out += ch;
      continue;
    }
    let v = charCache.get(ch);
    if (v === undefined) charCache.set(ch, (v = converter()(ch)));
    out += v;
  }
  return out;
}

/** Traditional → Simplified when the text looks Traditional; otherwise unchanged. */
export function toSimplified(s: string): string {
  return looksTraditional(s) ? converter()(s) : s;
}

/**
 * Full-width ASCII (U+FF01–FF5E) → half-width, ideographic and no-break spaces → space, zero-width
 * characters removed, CRLF → LF. "（一）" becomes "(一)", "１２" becomes "12", "：" becomes ":".
 */
export function halfWidth(s: string): string {
  return s.replace(/[\uff01-\uff5e\u3000\u00a0\u2002\u2003\u2009\u200b-\u200d\ufeff\u00ad]|\r\n?/g, (ch) => {
    const c = ch.charCodeAt(0);
    if (c >= 0xff01 && c <= 0xff5e) return String.fromCharCode(c - 0xfee0);
    if (c === 0x0d) return "\n";
    if (c === 0x200b || c === 0x200c || c === 0x200d || c === 0xfeff || c === 0x00ad) return "";
    return " ";
  });
}

/** Simplified + half-width: the form every later stage works on. */
export function normaliseText(s: string): string {
  return toSimplified(halfWidth(s));
}
