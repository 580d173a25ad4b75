// Tracebacks and coloured stream text carry ANSI SGR escapes; the report shows their colours
// (the 8 + 8 standard ones and bold) and drops every other escape sequence.

import { escapeHtml } from "./escapeHtml.js";

const COLORS = ["#000", "#b22", "#2a2", "#a60", "#22b", "#a2a", "#1aa", "#888"];
const BRIGHT = ["#555", "#e44", "#4c4", "#cc4", "#55e", "#d5d", "#4dd", "#ccc"];

/**
 * Converts text with ANSI colour escapes to escaped HTML with styled spans.
 * @example ansiToHtml("\u001b[31mError\u001b[0m: x") // '<span style="color:#b22">Error</span>: x'
 */
export function ansiToHtml(text: string): string {
  let html = "";
  let color: string | null = null;
  let bold = false;
  let open = false;
  // eslint-disable-next-line no-control-regex -- ANSI escape sequences start with the ESC control character
  const parts = text.split(/\u001b\[([0-9;]*)([A-Za-z])/);
  for (let i = 0; i < parts.length; i += 3) {
    html += escapeHtml(parts[i]);
    if (i + 2 >= parts.length) break;
    if (parts[i + 2] !== "m") continue;
    for (const code of (parts[i + 1] || "0").split(";").map(Number)) {
      if (code === 0) {
        color = null;
        bold = false;
      } else if (code === 1) bold = true;
      else if (code === 22) bold = false;
      else if (code >= 30 && code <= 37) color = COLORS[code - 30];
      else if (code >= 90 && code <= 97) color = BRIGHT[code - 90];
      else if (code === 39) color = null;
    }
    if (open) html += "</span>";
    open = color !== null || bold;
    if (open)
      html += `<span style="${color ? `color:${color}` : ""}${color && bold ? ";" : ""}${bold ? "font-weight:bold" : ""}">`;
  }
  if (open) html += "</span>";
  return html.replace(/<span style="[^"]*"><\/span>/g, "");
}
