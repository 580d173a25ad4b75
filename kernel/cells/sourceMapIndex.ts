// A minimal Source Map v3 reader: just enough to map a generated line:column of a compiled
// cell back to the cell's own line:column for tracebacks.

/** One mapping segment: generated column -> original line/column (all 0-based). */
interface Segment {
  genCol: number;
  srcLine: number;
  srcCol: number;
}

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const DIGIT = new Map([...BASE64].map((c, i) => [c, i]));

/**
 * Looks up original positions in a source map's `mappings`; decoding happens once, lazily.
 * @example
 * const index = new SourceMapIndex(JSON.parse(mapText).mappings);
 * index.originalPosition(0, 12); // { line: 0, column: 4 }
 */
export class SourceMapIndex {
  private lines: Segment[][] | undefined;

  constructor(private readonly mappings: string) {}

  /** Original 0-based position of a 0-based generated position, or undefined if unmapped. */
  originalPosition(genLine: number, genCol: number): { line: number; column: number } | undefined {
    const lines = (this.lines ??= decodeMappings(this.mappings));
    const segments = lines[genLine];
    if (!segments || segments.length === 0) return undefined;
    let best = segments[0]!;
    for (const s of segments) {
      if (s.genCol <= genCol) best = s;
      else break;
    }
    // The segment's start is the token V8 points into; columns inside a rewritten token
    // would not carry over, so the token's own start is reported.
    return { line: best.srcLine, column: best.srcCol };
  }
}

function decodeMappings(mappings: string): Segment[][] {
  const lines: Segment[][] = [];
  let srcLine = 0;
  let srcCol = 0;
  let srcIndex = 0;
  let nameIndex = 0;
  for (const lineText of mappings.split(";")) {
    const segments: Segment[] = [];
    let genCol = 0;
    if (lineText.length > 0) {
      for (const segText of lineText.split(",")) {
        const fields = decodeVlq(segText);
        if (fields.length === 0) continue;
        genCol += fields[0]!;
        if (fields.length >= 4) {
          srcIndex += fields[1]!;
          srcLine += fields[2]!;
          srcCol += fields[3]!;
          if (fields.length >= 5) nameIndex += fields[4]!;
          segments.push({ genCol, srcLine, srcCol });
        }
      }
    }
    segments.sort((a, b) => a.genCol - b.genCol);
    lines.push(segments);
  }
  void srcIndex;
  void nameIndex;
  return lines;
}

function decodeVlq(text: string): number[] {
  const out: number[] = [];
  let value = 0;
  let shift = 0;
  for (const ch of text) {
    const digit = DIGIT.get(ch);
    if (digit === undefined) throw new Error(`source map: invalid base64 digit "${ch}" in "${text}"`);
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
    } else {
      out.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return out;
}
