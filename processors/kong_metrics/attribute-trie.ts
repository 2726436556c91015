/**
 * Attribute sets of one kind, found value by value through nested Maps (a trie) instead of by a joined
 * key string: concatenating a key per entry costs a new string, its flattening and its hash on every
 * lookup, while each value read from the entry is hashed once and then reused by every set it is part of.
 * A missing attribute is the key `undefined`, so "" and "absent" stay apart.
 */

type Branch = Map<unknown, unknown>;

/** How many attribute sets of every kind together are tracked. */
export class SetTotal {
  used = 0;
  constructor(readonly cap: number) {}
}

/** How many attribute sets of one kind are tracked, and the node that takes every set past the cap. */
export class SetBudget<N> {
  used = 0;

  constructor(
    readonly cap: number,
    readonly overflow: N,
    private readonly total: SetTotal,
  ) {}

  get spent(): boolean {
    return this.used >= this.cap || this.total.used >= this.total.cap;
  }

  take(): void {
    this.used++;
    this.total.used++;
  }
}

/** Written by no one: what a branch lookup returns once the budget is spent, so nothing more is stored. */
const SPENT: Branch = new Map();

export class AttributeTrie<N> {
  private readonly root: Branch = new Map();

  /**
   * `make` builds the node of a new attribute set (a module-level function, not a closure per entry).
   * An `overflowing` trie belongs to an overflow node: everything below it overflows too, because its
   * parent's attributes are already gone.
   */
  constructor(
    private readonly budget: SetBudget<N>,
    private readonly make: () => N,
    private readonly overflowing = false,
  ) {}

  find1(a: unknown): N {
    return this.leaf(this.root, a);
  }

  find2(a: unknown, b: unknown): N {
    return this.leaf(this.branch(this.root, a), b);
  }

  find3(a: unknown, b: unknown, c: unknown): N {
    return this.leaf(this.branch(this.branch(this.root, a), b), c);
  }

  find4(a: unknown, b: unknown, c: unknown, d: unknown): N {
    return this.leaf(this.branch(this.branch(this.branch(this.root, a), b), c), d);
  }

  find5(a: unknown, b: unknown, c: unknown, d: unknown, e: unknown): N {
    return this.leaf(this.branch(this.branch(this.branch(this.branch(this.root, a), b), c), d), e);
  }

  find7(a: unknown, b: unknown, c: unknown, d: unknown, e: unknown, f: unknown, g: unknown): N {
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

  private leaf(m: Branch, k: unknown): N {
    let node = m.get(k) as N | undefined;
    if (node === undefined) {
      if (this.overflowing || this.budget.spent) return this.budget.overflow;
      node = this.make();
      this.budget.take();
      m.set(k, node);
    }
    return node;
  }
}
