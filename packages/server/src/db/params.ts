/**
 * Values travel beside SQL text, never inside it: a statement gets `$n` placeholders and the
 * values are bound when it runs (`c.run(sql, params.values)`). An id with a quote, a NUL byte or
 * a megabyte of text then cannot change what the statement means or break its parsing.
 * @example
 * const p = new SqlParams();
 * const sql = `SELECT * FROM runs WHERE id IN (${p.list(['a', "b'c"])})`; // … IN ($1::VARCHAR, $2::VARCHAR)
 * await c.runAndReadAll(sql, p.values);
 */
export class SqlParams {
  readonly values: string[] = [];

  /** The placeholder of one text value (typed, so that DuckDB never has to guess). */
  one(value: string): string {
    return `$${this.values.push(value)}::VARCHAR`;
  }

  /** A bare placeholder, where DuckDB's grammar takes no cast (the target of `COPY … TO`). */
  bare(value: string): string {
    return `$${this.values.push(value)}`;
  }

  /** Placeholders of text values, comma-separated (for `IN (…)`). */
  list(values: readonly string[]): string {
    return values.map((v) => this.one(v)).join(', ');
  }
}
