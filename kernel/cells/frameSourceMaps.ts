// Maps stack frames in compiled JavaScript back to the TypeScript it came from: gradlab's
// own dist/**/*.js (through the .map files the build writes next to them, read only when an
// error needs them) and a notebook's local .ts modules (transpiled with a map by the kernel).
import { existsSync, readFileSync } from "node:fs";
import { SourceMap, type SourceMapPayload } from "node:module";
import { dirname, isAbsolute, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

interface MappedFile {
  map: SourceMap;
  /** Folder the map's `sources` are relative to. */
  base: string;
}

/** By frame location (a URL with its query, or a path). */
const REGISTERED = new Map<string, MappedFile>();
/** dist files looked up so far (undefined: no map). */
const FROM_DISK = new Map<string, MappedFile | undefined>();
const libraryRoots: string[] = [];

/** A script location in a stack frame: file:// URL or absolute path, query, line, column. */
const FRAME_LOCATION = /((?:file:\/\/)?\/[^\s()?]*?\.[cm]?[jt]sx?)(\?[^\s():]*)?:(\d+):(\d+)/g;

/**
 * Registers the source map of a module the kernel transpiled (frames show `url`).
 * @example
 * registerSourceMap("file:///nb/helper.ts?gradlab-gen=1", mapJson, "/nb/helper.ts");
 */
export function registerSourceMap(url: string, mapJson: string, path: string): void {
  const payload = JSON.parse(mapJson) as SourceMapPayload;
  REGISTERED.set(url, { map: new SourceMap(payload), base: dirname(path) });
}

/**
 * Frames inside this folder (a build output with .map files) are mapped to their sources.
 * @example
 * mapFramesUnder("/opt/gradlab/dist");
 */
export function mapFramesUnder(root: string): void {
  if (!libraryRoots.includes(root)) libraryRoots.push(root);
}

/**
 * A stack line with every mappable location replaced by its TypeScript source position.
 * @example
 * mapFrame("at mse (file:///opt/gradlab/dist/src/loss/mse.js:12:9)"); // "at mse (/opt/gradlab/src/loss/mse.ts:20:5)"
 */
export function mapFrame(text: string): string {
  if (REGISTERED.size === 0 && libraryRoots.length === 0) return text;
  return text.replace(FRAME_LOCATION, (whole, file: string, query: string | undefined, l, c) => {
    const registered = REGISTERED.get(file + (query ?? ""));
    const mapped = registered ?? fromDisk(file);
    if (!mapped) return whole;
    const entry = mapped.map.findEntry(Number(l) - 1, Number(c) - 1) as {
      originalSource?: string;
      originalLine?: number;
      originalColumn?: number;
    };
    if (entry.originalSource === undefined || entry.originalLine === undefined) return whole;
    const source = entry.originalSource.startsWith("file:")
      ? fileURLToPath(entry.originalSource)
      : isAbsolute(entry.originalSource)
        ? entry.originalSource
        : resolve(mapped.base, entry.originalSource);
    return `${source}:${entry.originalLine + 1}:${(entry.originalColumn ?? 0) + 1}`;
  });
}

function fromDisk(file: string): MappedFile | undefined {
  const path = file.startsWith("file:") ? fileURLToPath(file) : file;
  if (!libraryRoots.some((root) => path.startsWith(root + sep))) return undefined;
  if (FROM_DISK.has(path)) return FROM_DISK.get(path);
  let mapped: MappedFile | undefined;
  const mapPath = `${path}.map`;
  try {
    if (existsSync(mapPath)) {
      const payload = JSON.parse(readFileSync(mapPath, "utf8")) as SourceMapPayload;
      mapped = { map: new SourceMap(payload), base: dirname(mapPath) };
    }
  } catch {
    mapped = undefined;
  }
  FROM_DISK.set(path, mapped);
  return mapped;
}
