// Jupyter counts cursor positions in Unicode code points; JavaScript strings index UTF-16
// code units. Both directions are needed around every completion and inspection.

/**
 * UTF-16 index of a code-point offset.
 * @example
 * codePointsToUtf16("😀x", 1); // 2
 */
export function codePointsToUtf16(text: string, codePoints: number): number {
  let units = 0;
  for (let cp = 0; cp < codePoints && units < text.length; cp++) {
    const c = text.charCodeAt(units);
    units += c >= 0xd800 && c <= 0xdbff && units + 1 < text.length ? 2 : 1;
  }
  return units;
}

/**
 * Code-point offset of a UTF-16 index.
 * @example
 * utf16ToCodePoints("😀x", 2); // 1
 */
export function utf16ToCodePoints(text: string, units: number): number {
  let cp = 0;
  for (let i = 0; i < units && i < text.length; cp++) {
    const c = text.charCodeAt(i);
    i += c >= 0xd800 && c <= 0xdbff && i + 1 < text.length ? 2 : 1;
  }
  return cp;
}
