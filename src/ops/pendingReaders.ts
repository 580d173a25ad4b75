// Keeps deferred (fused) results independent of later writes to the storage they read.
//
// A deferred result reads its inputs when it is first read, not when it was created, so a
// write in between would leak into it. Two rules close every path, for any number of pending
// results:
//
// 1. Writes the engine performs (`assign`, replacing `.data`) call beforeWrite(buf) first. The
//    pending results that read `buf` are found in a registry (every deferred tensor is entered
//    under the storage of each materialised argument, and under its deferred arguments' storage
//    when those are computed), and their arguments are rebound to one snapshot copy of `buf`:
//    they keep the old values, whatever they are and however many there are.
// 2. Storage handed to user code (`.data`) may be written at any later time, unseen (a typed
//    array has no write hook). expose(buf) rebinds its pending readers as above and marks `buf`
//    exposed; a deferred op never reads exposed storage afterwards: it reads a snapshot of a
//    small (broadcast) argument, or the op runs eagerly (see lazyElementwise.ts).
//
// The registry holds pending readers strongly. Unread results (a loop's intermediates that an
// inlined sum never materialised) would pile up under a long-lived parameter, so a buffer with
// more than MAX_READERS entries is snapshotted and its entries cleared: memory stays bounded and
// no reader loses its protection.
import { Tensor } from "../tensor/tensor.js";
import type { TypedArray } from "../tensor/dtype.js";
import { acquire } from "../backend/bufferPool.js";

/** Pending deferred tensors reading each buffer as a materialised argument. */
const readers = new WeakMap<TypedArray, Set<Tensor>>();
/** Pending deferred tensors with each still-deferred tensor among their arguments. */
const consumers = new WeakMap<Tensor, Tensor[]>();
/** Buffers user code holds (handed out by `.data`, or given to it). */
const exposed = new WeakSet<TypedArray>();
/** Entries per buffer (or deferred tensor) beyond which the registry snapshots instead of growing. */
const MAX_READERS = 32;

/**
 * Whether user code may hold (and write) `buf`.
 * @example isExposed(w.data) // true
 */
export function isExposed(buf: TypedArray): boolean {
  return exposed.has(buf);
}

/**
 * A private copy of materialised `t` (same shape and dtype) that nothing else can write; never
 * recycled by the pool, so a pending result reading it stays readable.
 * @example const s = snapshotOf(w); w.assign(0); s.data // w's old values
 */
export function snapshotOf(t: Tensor, copy?: TypedArray): Tensor {
  let d = copy;
  if (d === undefined) {
    const src = t._data!;
    d = acquire(t.dtype, src.length);
    d.set(src);
  }
  const s = new Tensor(t.shape, t.dtype, d);
  s._storage!.shared = true;
  return s;
}

/** Record that deferred `reader` reads argument `arg` (materialised or deferred). */
export function noteReader(reader: Tensor, arg: Tensor): void {
  if (arg._lazy !== null) {
    let list = consumers.get(arg);
    if (list === undefined) consumers.set(arg, (list = []));
    list.push(reader);
    if (list.length > MAX_READERS) {
      prune(list);
      // Many pending readers of one deferred tensor: compute it, so they are entered under its
      // storage, where the bound below applies.
      if (list.length > MAX_READERS / 2) arg._buf();
    }
  } else if (arg._data !== null) enter(arg._data, reader);
}

function prune(list: Tensor[]): void {
  let k = 0;
  for (const r of list) if (r._lazy !== null) list[k++] = r;
  list.length = k;
}

function enter(buf: TypedArray, reader: Tensor): void {
  let set = readers.get(buf);
  if (set === undefined) readers.set(buf, (set = new Set()));
  set.add(reader);
  if (set.size > MAX_READERS) {
    for (const r of set) if (r._lazy === null) set.delete(r);
    if (set.size > MAX_READERS / 2) beforeWrite(buf);
  }
}

/**
 * Deferred `t` now has storage (its arguments were `args`): it no longer reads them, and the
 * pending results that read `t` now read its storage.
 * @example settled(t, t._lazy.a) // after filling t._data and clearing t._lazy
 */
export function settled(t: Tensor, args: readonly Tensor[]): void {
  for (const a of args) {
    if (a._data !== null) readers.get(a._data)?.delete(t);
    else if (a._lazy !== null) {
      // An argument still deferred (computed inside t's loop) must not keep t, and with it t's
      // new storage, alive for as long as the argument lives.
      const list = consumers.get(a);
      if (list !== undefined) {
        const at = list.indexOf(t);
        if (at >= 0) list.splice(at, 1);
      }
    }
  }
  const list = consumers.get(t);
  if (list === undefined) return;
  consumers.delete(t);
  const buf = t._data!;
  for (const r of list) if (r._lazy !== null && r._lazy.a.includes(t)) enter(buf, r);
}

/**
 * Before `buf` is overwritten: every pending deferred result reading it is rebound to one
 * snapshot of its current values, so it computes what it would have computed before the write.
 * @example beforeWrite(w._buf()); w._buf().fill(0) // earlier x.mul(w) results keep their values
 */
export function beforeWrite(buf: TypedArray): void {
  const set = readers.get(buf);
  if (set === undefined) return;
  readers.delete(buf);
  let copy: TypedArray | undefined;
  const snapshots = new Map<Tensor, Tensor>();
  for (const r of set) {
    const args = r._lazy?.a;
    if (args === undefined) continue;
    for (let i = 0; i < args.length; i++) {
      const a = args[i];
      if (a._lazy !== null || a._data !== buf) continue;
      let s = snapshots.get(a);
      if (s === undefined) {
        if (copy === undefined) {
          copy = acquire(a.dtype, buf.length);
          copy.set(buf);
        }
        s = snapshotOf(a, copy);
        snapshots.set(a, s);
      }
      args[i] = s;
    }
  }
}

/**
 * `buf` is being handed to user code, which may write it at any time: protect its pending
 * readers now (see beforeWrite) and keep later deferred ops from reading it.
 * @example expose(w._buf()) // what Tensor.data does
 */
export function expose(buf: TypedArray): void {
  if (exposed.has(buf)) return;
  beforeWrite(buf);
  exposed.add(buf);
}

/**
 * The storage of `t` for engine code about to overwrite it in place (an optimizer's update, a
 * gradient rescaled by clipping): its pending deferred readers are protected first.
 * @example const d = storageForWrite(g); for (let i = 0; i < d.length; i++) d[i] *= 0.5;
 */
export function storageForWrite(t: Tensor): TypedArray {
  const d = t._buf();
  beforeWrite(d);
  return d;
}
