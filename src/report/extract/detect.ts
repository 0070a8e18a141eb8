/** What kind of document a byte string is (magic bytes first, then header and name). Pure. */

/** Document kinds the parser reads, plus the two it recognises only to refuse clearly. */
export type DetectedKind = "html" | "text" | "pdf" | "docx" | "doc" | "binary";

function startsWith(b: Uint8Array, sig: number[], at = 0): boolean {
  return sig.every((x, i) => b[at + i] === x);
}

/** The first `n` bytes, one character per byte (a Buffer latin1 copy, not a per-byte concat). */
function asciiHead(b: Uint8Array, n: number): string {
  return Buffer.from(b.buffer, b.byteOffset, Math.min(b.byteLength, n)).toString("latin1");
}

// The control bytes looksBinary counts: all below 0x20 but tab, LF, FF, CR and ESC.
const CONTROL = /[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f]/;

/** Share of control bytes (other than tab/LF/CR/FF/ESC) in the first 4 KB: text has none. */
function looksBinary(b: Uint8Array): boolean {
  const end = Math.min(b.length, 4096);
  if (end === 0) return false;
  // UTF-16 text has NULs in every other byte: a BOM says so.
  if ((b[0] === 0xff && b[1] === 0xfe) || (b[0] === 0xfe && b[1] === 0xff)) return false;
  // Text has no control bytes at all: one native scan settles the common case.
  if (!CONTROL.test(asciiHead(b, end))) return false;
  let ctrl = 0;
  for (let i = 0; i < end; i++) {
    const c = b[i] as number;
    if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0c && c !== 0x1b) ctrl++;
  }
  return ctrl / end > 0.02;
}

/** Decide the document kind from magic bytes, then Content-Type, then the source's extension. */
export function detectKind(bytes: Uint8Array, contentType?: string | null, source?: string): DetectedKind {
  const ct = (contentType ?? "").toLowerCase();
  const name = (source ?? "").toLowerCase().replace(/[?#].*$/, "");
  let i = 0;
  while (i < 1024 && i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09)) i++;
  if (startsWith(bytes, [0x25, 0x50, 0x44, 0x46], i)) return "pdf"; // %PDF
  if (startsWith(bytes, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return "doc";
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) {
    // A zip: only a Word document is ours (its parts live under word/).
    const head = asciiHead(bytes, 64 * 1024);
    if (head.includes("word/") || ct.includes("wordprocessingml") || name.endsWith(".docx")) return "docx";
    return "binary";
  }
  if (looksBinary(bytes)) return "binary";
  if (ct.includes("pdf") && bytes.length === 0) return "pdf";
  if (ct.includes("html") || ct.includes("xml") || /\.(s?html?|xhtml|jsp|aspx?|php)$/.test(name)) return "html";
  const head = asciiHead(bytes.subarray(i), 2048).toLowerCase();
  if (/^<(!doctype|html|head|body|meta|table|div|p\b|\?xml)/.test(head) || /<(html|body|table)[\s>]/.test(head)) return "html";
  return "text";
}
