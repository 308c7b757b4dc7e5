/**
 * Rows as plain values to compare across drivers: `pg` answers bigints as strings and PGlite as
 * `bigint`, and both answer timestamps as `Date`. Numeric strings of bigint columns become numbers.
 */
export function plainRows(rows: readonly Record<string, unknown>[]): Record<string, unknown>[] {
  return rows.map((row) =>
    Object.fromEntries(
      Object.entries(row).map(([column, value]) => {
        if (typeof value === 'bigint') return [column, Number(value)];
        if (value instanceof Date) return [column, value.toISOString()];
        if (typeof value === 'string' && /^-?\d+$/.test(value) && !ID_LIKE.test(column)) return [column, Number(value)];
        return [column, value];
      }),
    ),
  );
}

/** Columns holding ids or dates never turn into numbers, even when all digits. */
const ID_LIKE = /(_id|_date)$/;
