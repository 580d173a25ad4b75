// kernel_info_reply content. The TypeScript version is the compiler actually installed.
import { createRequire } from "node:module";
import { PROTOCOL_VERSION } from "./wire/jupyterMessage.js";
import { packageVersion } from "./install/packageRoot.js";

/**
 * The version of the `typescript` package this kernel compiles cells with.
 * @example
 * typescriptVersion(); // "5.9.3"
 */
export function typescriptVersion(): string {
  const require = createRequire(import.meta.url);
  return (require("typescript/package.json") as { version: string }).version;
}

/**
 * The content of kernel_info_reply.
 * @example
 * kernelInfoContent().language_info.name; // "typescript"
 */
export function kernelInfoContent() {
  const version = packageVersion();
  const ts = typescriptVersion();
  return {
    status: "ok",
    protocol_version: PROTOCOL_VERSION,
    implementation: "gradlab",
    implementation_version: version,
    language_info: {
      name: "typescript",
      version: ts,
      mimetype: "text/x.typescript",
      file_extension: ".ts",
      pygments_lexer: "typescript",
      codemirror_mode: { name: "javascript", typescript: true },
      nbconvert_exporter: "script",
    },
    banner: `gradlab ${version}: TypeScript ${ts} on Node.js ${process.versions.node}, with reverse-mode autodiff and Plotly figures`,
    help_links: [
      { text: "TypeScript handbook", url: "https://www.typescriptlang.org/docs/handbook/intro.html" },
      { text: "Node.js API", url: "https://nodejs.org/docs/latest-v20.x/api/" },
    ],
    debugger: false,
  };
}
