// Positions for a small DAG drawn left to right: a node's layer is its longest distance
// from a source, so every edge points rightwards; within a layer, nodes are ordered by
// the mean position of their neighbours (a few barycenter sweeps, Sugiyama-style) to
// reduce crossings.

/** A DAG as node ids 0..n-1 and edges [from, to]. */
export interface DagInput {
  count: number;
  edges: ReadonlyArray<readonly [number, number]>;
}

export interface DagLayout {
  layer: number[];
  /** Position within the layer, centred on 0. */
  slot: number[];
  layers: number;
}

/**
 * Layers and in-layer slots for a DAG (throws on a cycle).
 * @example
 * layeredLayout({ count: 3, edges: [[0, 2], [1, 2]] }); // layer [0, 0, 1], slot [-0.5, 0.5, 0]
 */
export function layeredLayout(dag: DagInput): DagLayout {
  const { count, edges } = dag;
  const preds: number[][] = Array.from({ length: count }, () => []);
  const succs: number[][] = Array.from({ length: count }, () => []);
  const indegree = new Array<number>(count).fill(0);
  for (const [a, b] of edges) {
    preds[b].push(a);
    succs[a].push(b);
    indegree[b] += 1;
  }
  const layer = new Array<number>(count).fill(0);
  const queue: number[] = [];
  for (let i = 0; i < count; i++) if (indegree[i] === 0) queue.push(i);
  let seen = 0;
  while (queue.length > 0) {
    const v = queue.shift()!;
    seen += 1;
    for (const w of succs[v]) {
      layer[w] = Math.max(layer[w], layer[v] + 1);
      if (--indegree[w] === 0) queue.push(w);
    }
  }
  if (seen !== count)
    throw new Error(`layeredLayout: the graph has a cycle (${count - seen} nodes on or after it)`);
  const layers = count === 0 ? 0 : Math.max(...layer) + 1;
  const byLayer: number[][] = Array.from({ length: layers }, () => []);
  for (let i = 0; i < count; i++) byLayer[layer[i]].push(i);
  const order = new Array<number>(count).fill(0);
  const renumber = (): void =>
    byLayer.forEach((ids) => ids.forEach((id, k) => (order[id] = k - (ids.length - 1) / 2)));
  renumber();
  const mean = (ids: number[]): number | undefined =>
    ids.length === 0 ? undefined : ids.reduce((s, i) => s + order[i], 0) / ids.length;
  for (let sweep = 0; sweep < 4; sweep++) {
    const downward = sweep % 2 === 0;
    const range = downward ? byLayer.keys() : [...byLayer.keys()].reverse().values();
    for (const l of range) {
      const ids = byLayer[l];
      const key = new Map(ids.map((id) => [id, mean(downward ? preds[id] : succs[id]) ?? order[id]]));
      ids.sort((a, b) => key.get(a)! - key.get(b)! || a - b);
      renumber();
    }
  }
  return { layer, slot: order.slice(), layers };
}
