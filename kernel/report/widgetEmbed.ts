// Widgets in the static HTML report: the notebook's saved widget state and each widget view
// go into the page as the script tags that @jupyter-widgets/html-manager's embed bundle reads,
// and that bundle travels inside the page, so saved widgets draw offline. Without a kernel the
// controls show their saved values and do not recompute.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Notebook } from "../runner/notebookFormat.js";
import { WIDGET_STATE_MIME } from "../runner/widgetState.js";

export const WIDGET_VIEW_MIME = "application/vnd.jupyter.widget-view+json";

/** JSON inside a script element: `</script>` must not end it early. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/<\//g, "<\\/");
}

/** The saved widget state of a notebook, if it has any. */
export function savedState(nb: Notebook): unknown {
  const widgets = nb.metadata["widgets"] as Record<string, unknown> | undefined;
  return widgets?.[WIDGET_STATE_MIME];
}

/**
 * A widget view: the embed bundle draws it in place of the script; the text stays for pages
 * without saved state (hidden by the report's style when the state is there).
 */
export function widgetViewHtml(view: unknown, text: string): string {
  return (
    `<script type="${WIDGET_VIEW_MIME}">${scriptJson(view)}</script>` +
    `<pre class="widget-text">${text.replace(/[&<>]/g, (c) => `&#${c.charCodeAt(0)};`)}</pre>`
  );
}

/** What the page needs at its end for saved widgets to draw: the state, a note, and the bundle. */
export function widgetStateHtml(nb: Notebook): string {
  const state = savedState(nb);
  if (state === undefined) return "";
  const require = createRequire(import.meta.url);
  const bundle = readFileSync(require.resolve("@jupyter-widgets/html-manager/dist/embed.js"));
  // A data: URL rather than an inline script: the bundle locates itself from its script's src
  // (webpack's automatic public path) and fails inside an inline script.
  return [
    `<script type="${WIDGET_STATE_MIME}">${scriptJson(state)}</script>`,
    `<script src="data:text/javascript;base64,${bundle.toString("base64")}"></script>`,
  ].join("\n");
}

/** The note shown above the first widget: saved controls do not recompute. */
export const WIDGET_NOTE =
  '<p class="widget-note">Widgets show the values saved when this notebook ran; without a kernel, ' +
  "moving them does not recompute anything.</p>";
