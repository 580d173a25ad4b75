// The floor for the scalar-graph workload: a micrograd-style engine (Karpathy's design) in
// about 60 lines. Each Value is one scalar node holding its parents and a closure that
// pushes its gradient to them; backward walks a topological order (iteratively, so deep
// graphs do not overflow the stack). gradlab's per-op overhead is judged against this.

/** A scalar in a dynamically built graph.
 *  @example const a = new Value(2), b = a.mul(a).add(1); b.backward(); a.grad // 4 */
export class Value {
  grad = 0;
  backwardFn: () => void = () => {};
  constructor(
    public data: number,
    readonly parents: readonly Value[] = [],
  ) {}

  add(o: Value | number): Value {
    const other = o instanceof Value ? o : new Value(o);
    const out = new Value(this.data + other.data, [this, other]);
    out.backwardFn = () => {
      this.grad += out.grad;
      other.grad += out.grad;
    };
    return out;
  }
  mul(o: Value | number): Value {
    const other = o instanceof Value ? o : new Value(o);
    const out = new Value(this.data * other.data, [this, other]);
    out.backwardFn = () => {
      this.grad += other.data * out.grad;
      other.grad += this.data * out.grad;
    };
    return out;
  }
  sub(o: Value | number): Value {
    return this.add(o instanceof Value ? o.mul(-1) : -o);
  }
  tanh(): Value {
    const t = Math.tanh(this.data);
    const out = new Value(t, [this]);
    out.backwardFn = () => {
      this.grad += (1 - t * t) * out.grad;
    };
    return out;
  }
  square(): Value {
    const out = new Value(this.data * this.data, [this]);
    out.backwardFn = () => {
      this.grad += 2 * this.data * out.grad;
    };
    return out;
  }

  /** Sets d(this)/d(node) into every node's grad (assumes grads were zeroed). */
  backward(): void {
    const order: Value[] = [];
    const seen = new Set<Value>();
    const stack: [Value, number][] = [[this, 0]];
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const [v, i] = top;
      if (i === 0 && seen.has(v)) {
        stack.pop();
        continue;
      }
      seen.add(v);
      if (i < v.parents.length) {
        top[1] = i + 1;
        if (!seen.has(v.parents[i])) stack.push([v.parents[i], 0]);
      } else {
        stack.pop();
        order.push(v);
      }
    }
    this.grad = 1;
    for (let k = order.length - 1; k >= 0; k--) order[k].backwardFn();
  }
}
