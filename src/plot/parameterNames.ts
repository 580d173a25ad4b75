// Axis titles default to the names a function gives its parameters: a loss written as
// (w, b) => ... is drawn over axes titled "w" and "b", not "x" and "y".

/**
 * The parameter names of a function from its source, or [] when they cannot be read
 * (destructured or rest parameters, native functions).
 * @example
 * parameterNames((w, b) => w.add(b)); // ["w", "b"]
 */
export function parameterNames(f: (...args: never[]) => unknown): string[] {
  let source: string;
  try {
    source = Function.prototype.toString.call(f);
  } catch {
    return [];
  }
  const single = /^\s*(?:async\s+)?([A-Za-z_$][\w$]*)\s*=>/.exec(source);
  if (single) return [single[1]];
  const list = /^[^(]*\(([^)]*)\)/.exec(source);
  if (!list) return [];
  const names = list[1]
    .split(",")
    .map((p) => p.replace(/\/\*[\s\S]*?\*\//g, "").trim())
    .filter((p) => p !== "")
    .map((p) => /^([A-Za-z_$][\w$]*)\s*(?:[:=].*)?$/.exec(p)?.[1]);
  return names.every((n): n is string => n !== undefined) ? names : [];
}

/**
 * The x and y axis titles of a figure of f(x, y): the options', else f's parameter names, else "x"/"y".
 * @example
 * axisTitles2D((w, b) => w.add(b), {}); // ["w", "b"]
 */
export function axisTitles2D(
  f: (...args: never[]) => unknown,
  opts: { xLabel?: string; yLabel?: string },
): [string, string] {
  const names = parameterNames(f);
  const [x, y] = names.length === 2 ? names : ["x", "y"];
  return [opts.xLabel ?? x, opts.yLabel ?? y];
}
