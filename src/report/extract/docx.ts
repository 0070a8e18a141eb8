/** DOCX → HTML via mammoth (tables survive as `<table>`), then the HTML path reads it. */
import mammoth from "mammoth";

/** Convert a .docx byte string to HTML. Throws on a corrupt file. */
export async function docxToHtml(bytes: Uint8Array): Promise<string> {
  const { value } = await mammoth.convertToHtml({ buffer: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) });
  return value;
}
