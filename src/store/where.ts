/**
 * Builds a WHERE clause from optional conditions, numbering `$n` parameters as they are
 * added. A `?` in a condition stands for the next parameter.
 */
export class Where {
  readonly #conditions: string[] = [];
  readonly #params: unknown[] = [];

  /** Adds a condition; each `?` in it takes the next of `values`. */
  add(condition: string, ...values: unknown[]): this {
    let i = 0;
    const sql = condition.replace(/\?/g, () => {
      if (i >= values.length) throw new RangeError(`condition has more ? than values: ${condition}`);
      return this.param(values[i++]);
    });
    if (i !== values.length) throw new RangeError(`condition has fewer ? than values: ${condition}`);
    this.#conditions.push(sql);
    return this;
  }

  /** Adds a parameter without a condition and returns its `$n` placeholder. */
  param(value: unknown): string {
    this.#params.push(value);
    return `$${this.#params.length}`;
  }

  /** `WHERE a AND b`, or an empty string when there is no condition. */
  sql(): string {
    return this.#conditions.length === 0 ? '' : `WHERE ${this.#conditions.join(' AND ')}`;
  }

  /** The parameters in `$n` order. */
  get params(): readonly unknown[] {
    return this.#params;
  }
}
