import { describe, expect, it } from 'vitest';
import { parseCsv, toCsv } from './csv.js';

describe('usage CSV', () => {
  it('quotes what needs quoting and reads back the same cells', () => {
    const rows = [
      ['Contoso, Ltd.', 'say "hi"', 'two\nlines', 14, '35.0'],
      ['plain', '', null, 0, '0.0'],
    ];
    const text = toCsv(['a', 'b', 'c', 'd', 'e'], rows);
    expect(text.endsWith('\r\n')).toBe(true);
    expect(parseCsv(text)).toEqual([
      ['a', 'b', 'c', 'd', 'e'],
      ['Contoso, Ltd.', 'say "hi"', 'two\nlines', '14', '35.0'],
      ['plain', '', '', '0', '0.0'],
    ]);
  });

  it('never lets a text cell become a spreadsheet formula', () => {
    const [, row] = parseCsv(toCsv(['name'], [['=HYPERLINK("http://evil")'], ['@SUM(A1)'], ['-1+2']]));
    expect(row).toEqual([`'=HYPERLINK("http://evil")`]);
    expect(parseCsv(toCsv(['n'], [[-5]]))[1]).toEqual(['-5']);
  });
});
