// Messages between the local-module loader hooks (Node's loader thread) and the executor.

/** The URL query naming the generation of the local module graph a file belongs to. */
export const GENERATION_PARAM = "gradlab-gen";

/** From the hooks: a local file is being loaded (and, for TypeScript, needs transpiling). */
export interface LoaderRequest {
  id: number;
  type: "transpile" | "loaded";
  /** File path without the generation query. */
  path: string;
  url: string;
}

/** To the hooks: the JavaScript of a transpiled file, or why it could not be read. */
export interface LoaderReply {
  id: number;
  code?: string;
  error?: string;
}
