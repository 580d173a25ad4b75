// Mini-batches: every tensor field of the data is cut along its first axis with one seeded
// permutation per epoch, so x and y rows stay paired.
import { Tensor } from "../tensor/tensor.js";
import { generator } from "../tensor/creation.js";
import type { Generator } from "../random/generator.js";
import { takeRows } from "../data/dataset.js";

/** Training data: tensors with the same first dimension, e.g. {x, y} or a data.* Dataset. */
export type DataRecord = object;

/** The fields of `data` that are tensors with rows, and the row count. @example rowFields({ x, y, name: "moons" }, "train") // { keys: ["x", "y"], n: 200 } */
export function rowFields(record: DataRecord, who: string): { keys: string[]; n: number } {
  const data = record as Record<string, unknown>;
  const keys = Object.keys(data).filter((k) => data[k] instanceof Tensor && (data[k] as Tensor).ndim >= 1);
  if (keys.length === 0) throw new Error(`${who}: data has no tensor fields (expected e.g. {x, y})`);
  const n = (data[keys[0]!] as Tensor).shape[0]!;
  for (const k of keys) {
    const m = (data[k] as Tensor).shape[0]!;
    if (m !== n)
      throw new Error(
        `${who}: data.${keys[0]} has ${n} rows but data.${k} has ${m}; every tensor field needs the same first dimension`,
      );
  }
  if (n === 0) throw new Error(`${who}: data has no rows`);
  return { keys, n };
}

/**
 * Hands out batches epoch by epoch (a new seeded permutation each epoch).
 *
 * @example
 * const s = new BatchSampler({ x, y }, 32, true, 0);
 * const { batch, first } = s.next(); // batch.x has 32 rows
 */
export class BatchSampler {
  readonly n: number;
  readonly batchSize: number;
  readonly batchesPerEpoch: number;
  private readonly keys: string[];
  private readonly rng: Generator;
  private order: number[] = [];
  private cursor = 0;

  constructor(
    private readonly data: DataRecord,
    batchSize: number | undefined,
    private readonly shuffle: boolean,
    seed: number,
  ) {
    const { keys, n } = rowFields(data, "train");
    this.keys = keys;
    this.n = n;
    this.batchSize = Math.min(batchSize ?? n, n);
    if (!(Number.isInteger(this.batchSize) && this.batchSize >= 1))
      throw new Error(`train: batchSize must be a positive integer, got ${batchSize}`);
    this.batchesPerEpoch = Math.ceil(n / this.batchSize);
    this.rng = generator(seed);
  }

  /** The next batch; `first` is true when it starts an epoch. @example const { batch } = sampler.next(); */
  next(): { batch: DataRecord; first: boolean } {
    const first = this.cursor === 0;
    if (first)
      this.order =
        this.shuffle && this.batchSize < this.n
          ? this.rng.permutation(this.n)
          : Array.from({ length: this.n }, (_, i) => i);
    const idx = this.order.slice(this.cursor * this.batchSize, (this.cursor + 1) * this.batchSize);
    this.cursor = (this.cursor + 1) % this.batchesPerEpoch;
    if (idx.length === this.n) return { batch: this.data, first };
    const source = this.data as Record<string, unknown>;
    const batch: Record<string, unknown> = { ...source };
    for (const k of this.keys) batch[k] = takeRows(source[k] as Tensor, idx);
    return { batch, first };
  }
}
