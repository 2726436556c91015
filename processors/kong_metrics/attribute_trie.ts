import type { HistogramSeries, SumSeries } from './series.js';

/**
 * Attribute sets of one kind, found value by value through nested Maps (a trie) instead of by a joined
 * key string: concatenating a key per entry costs a new string, its flattening and its hash on every
 * lookup, while each value read from the entry is hashed once and then reused by every set it is part of.
 * A missing attribute is the key `undefined`, so "" and "absent" stay apart.
 */

/**
 * The node of one attribute set: a slot per instrument recorded with it (filled when its first point
 * arrives; slot numbers come from the set's kind, see attribute_set.ts) and the tries of the sets that
 * extend it, by their kind's id. `overflow` marks the node that takes every set past the tracking cap; its
 * series are the metrics' overflow series.
 */
export class SetNode {
  readonly sums: (SumSeries | undefined)[];
  readonly histograms: (HistogramSeries | undefined)[];
  readonly below: (AttributeTrie | undefined)[];

  // Every slot made up front (filled with undefined), so all nodes' arrays have one elements kind and the
  // lookups on the hot path stay monomorphic.
  constructor(
    readonly overflow: boolean,
    shape: NodeShape,
  ) {
    this.sums = new Array<SumSeries | undefined>(shape.sums).fill(undefined);
    this.histograms = new Array<HistogramSeries | undefined>(shape.histograms).fill(undefined);
    this.below = new Array<AttributeTrie | undefined>(shape.kinds).fill(undefined);
  }
}

/** How many slots the nodes of one kind of set have: known once every section has declared its instruments. */
export interface NodeShape {
  readonly sums: number;
  readonly histograms: number;
  /** Kinds of attribute sets there are, one `below` slot each. */
  readonly kinds: number;
}

/** How many attribute sets of every kind together are tracked. */
export class SetTotal {
  used = 0;
  constructor(readonly cap: number) {}
}

/** How many attribute sets of one kind are tracked, and the node that takes every set past the cap. */
export class SetBudget {
  used = 0;
  private overflowNode: SetNode | undefined = undefined;

  constructor(
    readonly cap: number,
    private readonly total: SetTotal,
    /** The slots of this kind's nodes. */
    readonly shape: NodeShape,
  ) {}

  /** The node that takes every set past the cap (made when first needed: the shape is final by then). */
  get overflow(): SetNode {
    return (this.overflowNode ??= new SetNode(true, this.shape));
  }

  get spent(): boolean {
    return this.used >= this.cap || this.total.used >= this.total.cap;
  }

  take(): void {
    this.used++;
    this.total.used++;
  }
}

type Branch = Map<unknown, unknown>;

/** Written by no one: what a branch lookup returns once the budget is spent, so nothing more is stored. */
const SPENT: Branch = new Map();

export class AttributeTrie {
  private readonly root: Branch = new Map();

  /**
   * An `overflowing` trie belongs to an overflow node: everything below it overflows too, because its
   * parent's attributes are already gone.
   */
  constructor(
    private readonly budget: SetBudget,
    private readonly overflowing = false,
  ) {}

  find1(a: unknown): SetNode {
    return this.leaf(this.root, a);
  }

  find2(a: unknown, b: unknown): SetNode {
    return this.leaf(this.branch(this.root, a), b);
  }

  find3(a: unknown, b: unknown, c: unknown): SetNode {
    return this.leaf(this.branch(this.branch(this.root, a), b), c);
  }

  find4(a: unknown, b: unknown, c: unknown, d: unknown): SetNode {
    return this.leaf(this.branch(this.branch(this.branch(this.root, a), b), c), d);
  }

  find5(a: unknown, b: unknown, c: unknown, d: unknown, e: unknown): SetNode {
    return this.leaf(this.branch(this.branch(this.branch(this.branch(this.root, a), b), c), d), e);
  }

  find7(a: unknown, b: unknown, c: unknown, d: unknown, e: unknown, f: unknown, g: unknown): SetNode {
    const m = this.branch(this.branch(this.branch(this.branch(this.branch(this.branch(this.root, a), b), c), d), e), f);
    return this.leaf(m, g);
  }

  private branch(m: Branch, k: unknown): Branch {
    let next = m.get(k) as Branch | undefined;
    if (next === undefined) {
      if (this.overflowing || this.budget.spent) return SPENT;
      next = new Map();
      m.set(k, next);
    }
    return next;
  }

  private leaf(m: Branch, k: unknown): SetNode {
    let node = m.get(k) as SetNode | undefined;
    if (node === undefined) {
      if (this.overflowing || this.budget.spent) return this.budget.overflow;
      node = new SetNode(false, this.budget.shape);
      this.budget.take();
      m.set(k, node);
    }
    return node;
  }
}
