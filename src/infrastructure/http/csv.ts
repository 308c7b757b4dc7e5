/**
 * CSV for spreadsheets and BI tools (RFC 4180): a header row, CRLF line ends, a field quoted when
 * it holds a comma, a quote, CR or LF, quotes doubled. Amounts are written as the integers in
 * minor units the JSON answers carry, so a sum in a spreadsheet is exact.
 *
 * Text is client data (product names, reasons), and a spreadsheet runs a cell starting with
 * `=`, `+`, `-`, `@` (or a tab or CR, which some strip first) as a formula (CSV injection,
 * OWASP): such text gets a leading `'`, which spreadsheets show as text. Numbers are never
 * touched, so a negative amount stays a number.
 */
export type CsvValue = string | number | boolean | null | undefined;

export type CsvColumn<Row> = Readonly<{ header: string; value: (row: Row) => CsvValue }>;

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError(`CSV cell: not a finite number: ${value}`);
    return String(value);
  }
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvLine(cells: readonly CsvValue[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

export function csvHeader<Row>(columns: readonly CsvColumn<Row>[]): string {
  // Headers are ours, but go through the same quoting.
  return csvLine(columns.map((column) => column.header));
}

export function csvRows<Row>(columns: readonly CsvColumn<Row>[], rows: readonly Row[]): string {
  return rows.map((row) => csvLine(columns.map((column) => column.value(row)))).join('');
}

/**
 * Whether the client prefers `text/csv` to JSON (RFC 9110 content negotiation, simplified to the
 * two types these routes answer): the higher quality wins, JSON on a tie or when neither is named.
 */
export function prefersCsv(accept: string | undefined): boolean {
  if (!accept) return false;
  let csv = 0;
  let json = 0;
  for (const part of accept.split(',')) {
    const [range = '', ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const quality = q === undefined ? 1 : Number(q.slice(2));
    if (!Number.isFinite(quality)) continue;
    const type = range.trim();
    if (type === 'text/csv') csv = Math.max(csv, quality);
    if (type === 'application/json') json = Math.max(json, quality);
  }
  return csv > 0 && csv > json;
}
