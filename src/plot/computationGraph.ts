// The recorded graph behind a small expression, each node labelled with its op, its value
// and its gradient: the picture of backpropagation as the chain rule applied node by node.
// Gradients come from the ops' own gradient rules, run here in reverse topological order
// (the same local rule backward() applies), so leaves' .grad are left untouched.
// The figure functions install the engine (tensor methods, backward(), the compute backends)
// so they also work when their module is imported on its own.
import { installEngine } from "../engine.js";
import { Tensor } from "../tensor/tensor.js";
import { noGrad } from "../autodiff/gradMode.js";
import { onesLike } from "../tensor/creation.js";
import { Figure, baseLayout, type FigureOptions, type PlotlyTrace } from "./figure.js";
import { layeredLayout } from "./layeredLayout.js";
import { significant } from "./compactNumbers.js";
import { GRAPH_FREED } from "../tensor/tensorFlags.js";

export interface ComputationGraphOptions extends FigureOptions {
  /** Names for tensors, e.g. {x, w, b, z}: leaves show the name, ops "z = add". */
  names?: Record<string, Tensor>;
  /** Largest graph drawn (default 60 nodes). */
  maxNodes?: number;
}

/** One node of the extracted graph. */
export interface GraphNodeInfo {
  id: number;
  /** The op that produced it, or "leaf"/"const" (or its given name). */
  label: string;
  op: string | null;
  shape: number[];
  value: string;
  grad: string;
  inputs: number[];
}

/** The figure of a computation graph also carries the extracted nodes. */
export interface ComputationGraphFigure extends Figure {
  readonly nodes: GraphNodeInfo[];
}

function summarize(t: Tensor | null): string {
  if (t === null) return "—";
  const d = t.data;
  if (t.size === 1) return String(significant(Number(d[0]), 4));
  if (t.size <= 4) return `[${Array.from(d, (v) => significant(Number(v), 3)).join(", ")}]`;
  let s = 0;
  for (let i = 0; i < d.length; i++) s += Number(d[i]);
  return `[${t.shape.join("×")}] mean ${significant(s / t.size, 3)}`;
}

/**
 * Draws the graph recorded behind `output` (a scalar built from tensors with
 * requiresGrad), with op, value and gradient d output / d node at every node. Call it
 * before `output.backward()` (which frees the graph), or after
 * `output.backward(undefined, { retainGraph: true })`.
 * @example
 * const x = scalar(2, { requiresGrad: true }), w = scalar(3, { requiresGrad: true });
 * const y = x.mul(w).add(x.sin());
 * plot.computationGraph(y, { names: { x, w } });
 */
export function computationGraph(output: Tensor, opts: ComputationGraphOptions = {}): ComputationGraphFigure {
  installEngine();
  const where = "plot.computationGraph";
  if (!(output instanceof Tensor))
    throw new TypeError(`${where}: expected the output Tensor of an expression, got ${typeof output}`);
  if (output._node === null) {
    if ((output._flags & GRAPH_FREED) !== 0) {
      throw new Error(
        `${where}: the graph of this tensor was freed by backward(); call plot.computationGraph(y) before y.backward(), or use y.backward(undefined, { retainGraph: true })`,
      );
    }
    throw new Error(
      `${where}: this tensor has no recorded graph (it is a leaf, or none of its inputs has requiresGrad = true); build it from tensors created with { requiresGrad: true }`,
    );
  }
  const maxNodes = opts.maxNodes ?? 60;
  // topological order: inputs before the ops that use them
  const ids = new Map<Tensor, number>();
  const tensors: Tensor[] = [];
  const stack: [Tensor, number][] = [[output, 0]];
  const visiting = new Set<Tensor>([output]);
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    const [t, i] = top;
    const inputs = t._node?.inputs ?? [];
    if (i < inputs.length) {
      top[1] = i + 1;
      const child = inputs[i];
      if (!ids.has(child) && !visiting.has(child)) {
        visiting.add(child);
        stack.push([child, 0]);
      }
    } else {
      stack.pop();
      ids.set(t, tensors.length);
      tensors.push(t);
      if (tensors.length > maxNodes) {
        throw new Error(
          `${where}: the graph has more than ${maxNodes} nodes; this figure is for small expressions (raise maxNodes to draw it anyway)`,
        );
      }
    }
  }
  // reverse sweep with the ops' gradient rules, not recorded
  const grads = new Map<Tensor, Tensor>();
  noGrad(() => {
    grads.set(output, onesLike(output));
    for (let k = tensors.length - 1; k >= 0; k--) {
      const t = tensors[k];
      const node = t._node;
      const g = grads.get(t);
      if (node === null || g === undefined || node.op.backward === undefined) continue;
      const local = node.op.backward(g, node);
      node.inputs.forEach((inp, j) => {
        const gj = local[j];
        if (gj === null || gj === undefined || !inp.requiresGrad) return;
        const prev = grads.get(inp);
        grads.set(inp, prev === undefined ? gj : prev.add(gj));
      });
    }
  });
  const nameOf = new Map<Tensor, string>();
  for (const [name, t] of Object.entries(opts.names ?? {})) nameOf.set(t, name);
  const nodes: GraphNodeInfo[] = tensors.map((t, id) => {
    const op = t._node?.op.name ?? null;
    return {
      id,
      label: nameOf.has(t)
        ? op !== null
          ? `${nameOf.get(t)} = ${op}`
          : nameOf.get(t)!
        : (op ?? (t.requiresGrad ? "leaf" : "const")),
      op,
      shape: t.shape.slice(),
      value: summarize(t),
      grad: t.requiresGrad || t._node !== null ? summarize(grads.get(t) ?? null) : "—",
      inputs: (t._node?.inputs ?? []).map((inp) => ids.get(inp)!),
    };
  });
  const edges: [number, number][] = [];
  for (const n of nodes) for (const i of n.inputs) edges.push([i, n.id]);
  const { layer, slot } = layeredLayout({ count: nodes.length, edges });
  const px = (i: number): number => layer[i];
  const py = (i: number): number => -slot[i];
  const ex: (number | null)[] = [];
  const ey: (number | null)[] = [];
  for (const [a, b] of edges) {
    ex.push(px(a), px(b), null);
    ey.push(py(a), py(b), null);
  }
  const colorOf = (n: GraphNodeInfo): string =>
    n.id === ids.get(output) ? "#d62728" : n.op !== null ? "#1f77b4" : n.grad === "—" ? "#999999" : "#2ca02c";
  const data: PlotlyTrace[] = [
    {
      type: "scatter",
      mode: "lines",
      name: "edges",
      x: ex,
      y: ey,
      line: { color: "#999", width: 1.5 },
      hoverinfo: "skip",
      showlegend: false,
    },
    {
      type: "scatter",
      mode: "markers",
      name: "nodes",
      x: nodes.map((n) => px(n.id)),
      y: nodes.map((n) => py(n.id)),
      marker: { size: 16, color: nodes.map(colorOf), line: { color: "#333", width: 1 } },
      text: nodes.map((n) => `${n.label} [${n.shape.join("×")}]<br>value ${n.value}<br>grad ${n.grad}`),
      hoverinfo: "text",
      showlegend: false,
    },
  ];
  // each edge's arrowhead points at the op that consumes the value
  const arrows = edges.map(([a, b]) => ({
    x: px(b),
    y: py(b),
    ax: px(a),
    ay: py(a),
    xref: "x",
    yref: "y",
    axref: "x",
    ayref: "y",
    showarrow: true,
    arrowhead: 2,
    arrowsize: 1,
    arrowwidth: 1.2,
    arrowcolor: "#999",
    standoff: 11,
    startstandoff: 9,
    text: "",
  }));
  const labels = nodes.map((n) => ({
    x: px(n.id),
    y: py(n.id),
    xref: "x",
    yref: "y",
    showarrow: false,
    yshift: -34,
    text: `<b>${n.label}</b><br>value ${n.value}<br>grad ${n.grad}`,
    font: { size: 11 },
    bgcolor: "rgba(255,255,255,0.85)",
    bordercolor: colorOf(n),
    borderwidth: 1,
    borderpad: 2,
  }));
  const layers = Math.max(...layer) + 1;
  const widest = Math.max(...slot.map((s) => Math.abs(s))) * 2 + 1;
  const layout = baseLayout(opts, {
    xaxis: { visible: false, range: [-0.6, layers - 0.4] },
    yaxis: { visible: false, range: [-(widest / 2) - 0.7, widest / 2 + 0.5] },
    annotations: [...arrows, ...labels],
    height: opts.height ?? Math.max(320, 110 * widest + 80),
    hovermode: "closest",
  });
  const out = nodes[ids.get(output)!];
  const fig = new Figure(data, layout, {
    kind: "computationGraph",
    notes: [`${nodes.length} nodes, ${edges.length} edges; output ${out.label} = ${out.value}`],
  }) as Figure & { nodes: GraphNodeInfo[] };
  fig.nodes = nodes;
  return fig;
}
