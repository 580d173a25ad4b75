// The report's stylesheet: readable on screen, and on paper cells are not split across pages,
// figures keep their size and link targets are printed.

/** CSS embedded in every HTML report. */
export const REPORT_CSS = `
:root { --ink:#1d1d1f; --muted:#6b6b70; --rule:#e3e3e8; --code-bg:#f6f7f9; --err-bg:#fff1f0; }
* { box-sizing: border-box; }
.widgets-saved .widget-text { display: none; }
.widget-note { color: var(--muted); font-size: 14px; border-left: 3px solid var(--rule); padding-left: 10px; }
body { margin: 0; color: var(--ink); font: 16px/1.55 -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
main { max-width: 980px; margin: 0 auto; padding: 24px 20px 64px; }
header.run { color: var(--muted); font-size: 13px; border-bottom: 1px solid var(--rule); margin-bottom: 24px; padding-bottom: 8px; }
header.run code { font-size: 12px; }
.cell { margin: 14px 0; }
.cell.markdown h1, .cell.markdown h2, .cell.markdown h3 { line-height: 1.25; margin: 1.2em 0 .5em; }
.cell.markdown table { border-collapse: collapse; }
.cell.markdown th, .cell.markdown td { border: 1px solid var(--rule); padding: 4px 10px; }
.cell.markdown blockquote { margin: 0; padding-left: 14px; border-left: 3px solid var(--rule); color: var(--muted); }
.math { font-family: "DejaVu Serif", Georgia, serif; font-style: italic; }
.math .upright { font-style: normal; }
.math sub, .math sup { font-size: 70%; }
div.math.display { text-align: center; margin: .8em 0; font-size: 110%; }
.input { display: flex; gap: 8px; }
.prompt { flex: 0 0 64px; color: var(--muted); font: 12px/1.9 "DejaVu Sans Mono", Menlo, monospace; text-align: right; }
pre { margin: 0; font: 13px/1.45 "DejaVu Sans Mono", Menlo, Consolas, monospace; white-space: pre-wrap; word-break: break-word; }
.input pre { flex: 1; background: var(--code-bg); border: 1px solid var(--rule); border-radius: 4px; padding: 8px 10px; overflow-x: auto; }
.cell.markdown pre { background: var(--code-bg); padding: 8px 10px; border-radius: 4px; }
.outputs { margin-left: 72px; }
.output { margin: 6px 0; overflow-x: auto; }
.output.stderr pre { background: #fff8e6; padding: 4px 8px; }
.output.error pre { background: var(--err-bg); padding: 8px; border-left: 3px solid #d33; }
.output img { max-width: 100%; }
.output table { border-collapse: collapse; font-size: 13px; }
.output th, .output td { border: 1px solid var(--rule); padding: 2px 8px; }
.duration { color: var(--muted); font-size: 11px; margin-left: 72px; }
@media print {
  body { font-size: 11pt; }
  main { max-width: none; padding: 0; }
  .cell { break-inside: avoid; page-break-inside: avoid; }
  .input pre { white-space: pre-wrap; }
  .modebar, .modebar-container { display: none !important; }
  a[href^="http"]::after { content: " (" attr(href) ")"; font-size: 9pt; color: var(--muted); }
}
`;
