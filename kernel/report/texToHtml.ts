// Readable math without a TeX engine: the report has no network and the project no KaTeX or
// MathJax, so common LaTeX is turned into Unicode and <sup>/<sub> HTML (\frac{a}{b} → a/b,
// \lim_{h \to 0} → lim<sub>h→0</sub>, \mathbb{R} → ℝ). Unknown commands keep their name.

import { escapeHtml } from "./escapeHtml.js";

const SYMBOLS: Record<string, string> = {
  alpha: "α",
  beta: "β",
  gamma: "γ",
  delta: "δ",
  epsilon: "ε",
  varepsilon: "ε",
  eta: "η",
  theta: "θ",
  lambda: "λ",
  mu: "μ",
  pi: "π",
  rho: "ρ",
  sigma: "σ",
  tau: "τ",
  phi: "φ",
  psi: "ψ",
  omega: "ω",
  Delta: "Δ",
  Sigma: "Σ",
  Omega: "Ω",
  nabla: "∇",
  partial: "∂",
  sum: "∑",
  prod: "∏",
  int: "∫",
  infty: "∞",
  to: " → ",
  rightarrow: " → ",
  leftarrow: "←",
  mapsto: " ↦ ",
  cdot: "·",
  times: " × ",
  le: " ≤ ",
  leq: " ≤ ",
  ge: " ≥ ",
  geq: " ≥ ",
  ne: " ≠ ",
  neq: " ≠ ",
  approx: " ≈ ",
  in: " ∈ ",
  subset: "⊂",
  subseteq: "⊆",
  ldots: "…",
  cdots: "⋯",
  dots: "…",
  pm: " ± ",
  mid: "|",
  lvert: "|",
  rvert: "|",
  lim: "lim",
  max: "max",
  min: "min",
  log: "log",
  exp: "exp",
  tanh: "tanh",
  sin: "sin",
  cos: "cos",
  arg: "arg",
  quad: "\u2003",
  qquad: "\u2003\u2003",
  ",": "\u2009",
  ";": "\u2005",
  "!": "",
  " ": " ",
  "{": "{",
  "}": "}",
  langle: "⟨",
  rangle: "⟩",
  star: "⋆",
  circ: "∘",
  forall: "∀",
  exists: "∃",
  equiv: " ≡ ",
  propto: " ∝ ",
};
const BLACKBOARD: Record<string, string> = { R: "ℝ", N: "ℕ", Z: "ℤ", Q: "ℚ", C: "ℂ", E: "𝔼" };
const DROPPED = new Set([
  "left",
  "right",
  "big",
  "Big",
  "bigg",
  "Bigg",
  "displaystyle",
  "limits",
  "nolimits",
]);

/**
 * Converts a TeX math string (without its $ delimiters) to HTML.
 * @example texToHtml("\\frac{\\partial L}{\\partial w}") // "∂L/∂w"
 */
export function texToHtml(tex: string): string {
  return new TexReader(tex).sequence(null);
}

class TexReader {
  private i = 0;
  constructor(private readonly s: string) {}

  sequence(close: string | null): string {
    let out = "";
    while (this.i < this.s.length) {
      const c = this.s[this.i];
      if (close !== null && c === close) {
        this.i++;
        return out;
      }
      out += this.atom();
    }
    return out;
  }

  private group(): string {
    while (this.s[this.i] === " ") this.i++;
    if (this.s[this.i] === "{") {
      this.i++;
      return this.sequence("}");
    }
    return this.atom();
  }

  // A \text{...} argument: taken literally, spaces included.
  private rawGroup(): string {
    while (this.s[this.i] === " ") this.i++;
    if (this.s[this.i] !== "{") return this.s[this.i++] ?? "";
    const end = this.s.indexOf("}", this.i);
    const text = this.s.slice(this.i + 1, end < 0 ? undefined : end);
    this.i = end < 0 ? this.s.length : end + 1;
    return text;
  }

  private atom(): string {
    const c = this.s[this.i++];
    if (c === "{") return this.sequence("}");
    if (c === "^") return `<sup>${this.group()}</sup>`;
    if (c === "_") return `<sub>${this.group()}</sub>`;
    if (c === "\\") return this.command();
    if (c === "~") return "\u00a0";
    // Math mode ignores spaces; operators get their own thin spacing below.
    if (c === " " || c === "\n" || c === "\t") return "";
    if (c === "=" || c === "<" || c === ">" || c === "+") return ` ${escapeHtml(c)} `;
    return escapeHtml(c);
  }

  private command(): string {
    const m = /^([A-Za-z]+|.)/.exec(this.s.slice(this.i));
    if (!m) return "\\";
    const name = m[1];
    this.i += name.length;
    if (name === "\\") return "<br>";
    if (DROPPED.has(name)) return "";
    if (name === "frac" || name === "dfrac" || name === "tfrac") {
      const num = this.group(),
        den = this.group();
      return `${wrap(num)}/${wrap(den)}`;
    }
    if (name === "sqrt") return `√${wrap(this.group())}`;
    if (name === "mathbb") {
      const g = this.group();
      return BLACKBOARD[g] ?? g;
    }
    if (name === "mathbf" || name === "boldsymbol") return `<b>${this.group()}</b>`;
    if (name === "text" || name === "textrm")
      return `<span class="upright">${escapeHtml(this.rawGroup())}</span>`;
    if (name === "mathrm" || name === "operatorname") return `<span class="upright">${this.group()}</span>`;
    if (name === "hat") return `${this.group()}\u0302`;
    if (name === "bar" || name === "overline") return `${this.group()}\u0305`;
    if (name === "begin" || name === "end") {
      const env = this.group();
      return name === "begin" && /matrix/.test(env) ? "[" : name === "end" && /matrix/.test(env) ? "]" : "";
    }
    if (name === "&") return "&amp;";
    if (name in SYMBOLS) return SYMBOLS[name];
    return escapeHtml(name);
  }
}

// Parenthesize multi-symbol numerators/denominators so a/b stays unambiguous.
function wrap(html: string): string {
  const visible = html.replace(/<[^>]+>/g, "");
  return /^[\p{L}\p{N}.∂∇]+$/u.test(visible) || /^\(.*\)$/.test(visible) ? html : `(${html})`;
}
