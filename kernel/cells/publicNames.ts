// Rewrites the module paths TypeScript prints in type names (`typeof import("/…/dist/src/
// loss/index", { with: { "resolution-mode": "import" } })`) into what a user writes:
// `typeof import("gradlab").loss`. Other modules keep their path, without the
// resolution-mode noise.
import { readFileSync } from "node:fs";
import { join, sep } from "node:path";

const IMPORT_TYPE =
  /import\("([^"]+)"(?:,\s*\{\s*with:\s*\{\s*"resolution-mode":\s*"(?:import|require)"\s*\}\s*\})?\)/g;

/**
 * Names of gradlab's modules as its entry point exports them.
 * @example
 * const names = new PublicNames("/opt/gradlab/dist");
 * names.rewrite('typeof import("/opt/gradlab/dist/src/loss/index")'); // 'typeof import("gradlab").loss'
 */
export class PublicNames {
  private readonly srcDir: string;
  private namespaces: Map<string, string> | undefined;

  constructor(buildRoot: string) {
    this.srcDir = join(buildRoot, "src");
  }

  rewrite(message: string): string {
    if (!message.includes("import(")) return message;
    return message.replace(IMPORT_TYPE, (_whole, path: string) => {
      if (!path.startsWith(this.srcDir + sep)) return `import("${path}")`;
      const module = path.slice(this.srcDir.length + 1).replace(/\.(d\.ts|ts|js)$/, "");
      if (module === "index") return `import("gradlab")`;
      const namespace = this.namespaceOf(module);
      return namespace === undefined ? `import("gradlab")` : `import("gradlab").${namespace}`;
    });
  }

  /** `export * as loss from "./loss/index.js"` in the entry point: "loss/index" -> "loss". */
  private namespaceOf(module: string): string | undefined {
    if (!this.namespaces) {
      this.namespaces = new Map();
      let text = "";
      for (const entry of ["index.d.ts", "index.ts"]) {
        try {
          text = readFileSync(join(this.srcDir, entry), "utf8");
          break;
        } catch {
          continue;
        }
      }
      for (const m of text.matchAll(/export\s+\*\s+as\s+(\w+)\s+from\s+["']\.\/([^"']+)["']/g))
        this.namespaces.set(m[2]!.replace(/\.(js|ts)$/, ""), m[1]!);
    }
    return this.namespaces.get(module);
  }
}
