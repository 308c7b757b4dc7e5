import { describe, expect, it } from 'vitest';
import { csvCell, csvHeader, csvRows, prefersCsv } from '../../../src/infrastructure/http/csv.js';

describe('CSV cells (RFC 4180)', () => {
  it('quote commas, quotes and line breaks, doubling quotes', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('cr\r')).toBe('"cr\r"');
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
    expect(csvCell(true)).toBe('true');
  });

  it('write amounts as integers, negative ones untouched', () => {
    expect(csvCell(1999)).toBe('1999');
    expect(csvCell(-250)).toBe('-250');
    expect(() => csvCell(Number.NaN)).toThrow(RangeError);
  });

  it('turn text that a spreadsheet would run as a formula into text', () => {
    expect(csvCell('=HYPERLINK("http://evil")')).toBe(`"'=HYPERLINK(""http://evil"")"`);
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('-1')).toBe("'-1");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\tx')).toBe("'\tx");
    expect(csvCell('a=b')).toBe('a=b');
  });

  it('rows end with CRLF, after a header row', () => {
    const columns = [
      { header: 'id', value: (row: { id: string; amount: number }) => row.id },
      { header: 'amount', value: (row: { id: string; amount: number }) => row.amount },
    ];
    expect(csvHeader(columns) + csvRows(columns, [{ id: 'o1', amount: 5 }, { id: 'o,2', amount: -5 }])).toBe('id,amount\r\no1,5\r\n"o,2",-5\r\n');
  });
});

describe('Accept negotiation', () => {
  it('answers CSV only when the client prefers it to JSON', () => {
    expect(prefersCsv(undefined)).toBe(false);
    expect(prefersCsv('*/*')).toBe(false);
    expect(prefersCsv('text/csv')).toBe(true);
    expect(prefersCsv('Text/CSV; charset=utf-8')).toBe(true);
    expect(prefersCsv('application/json, text/csv')).toBe(false);
    expect(prefersCsv('application/json;q=0.5, text/csv')).toBe(true);
    expect(prefersCsv('text/csv;q=0')).toBe(false);
  });
});
