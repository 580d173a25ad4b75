// HTML escaping shared by the report's renderers (Markdown, TeX, ANSI).
/**
 * Escapes text for HTML element content and attribute values.
 * @example escapeHtml("<a & b>") // "&lt;a &amp; b&gt;"
 */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
