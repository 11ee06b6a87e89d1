import { describe, expect, it, test } from 'vitest';
import { csvCell, csvTable, parseCsv, toCsv } from './csv.js';

describe('CSV cells', () => {
  test.each([
    ['plain', 'plain'],
    ['with, comma', '"with, comma"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['=SUM(A1:A9)', "'=SUM(A1:A9)"],
    ['+49 30 1234', "'+49 30 1234"],
    ['-5', "'-5"],
    ['@cmd', "'@cmd"],
    ['\tx', "'\tx"],
    ['=HYPERLINK("http://x","y")', `"'=HYPERLINK(""http://x"",""y"")"`],
    ['a=b', 'a=b'],
    ['', ''],
  ])('%j -> %j', (value, expected) => {
    expect(csvCell(value)).toBe(expected);
  });

  test.each([
    [-5, '-5'],
    [12.5, '12.5'],
    [Number.NaN, ''],
    [true, 'true'],
    [null, ''],
    [undefined, ''],
  ])('%j -> %j (not text, so never prefixed)', (value, expected) => {
    expect(csvCell(value)).toBe(expected);
  });

  test('documents use CRLF and round-trip through a parser', () => {
    const rows = [
      { name: 'Fabrikam, Inc.', note: 'line one\r\nline two', n: 3 },
      { name: '=cmd|" /C calc"!A0', note: 'quote " inside', n: -1 },
    ];
    const text = toCsv(
      [
        { header: 'Name', value: (r: (typeof rows)[number]) => r.name },
        { header: 'Note', value: (r) => r.note },
        { header: 'N', value: (r) => r.n },
      ],
      rows,
    );
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.split('\r\n')[0]).toBe('Name,Note,N');
    expect(parseCsv(text)).toEqual([
      ['Name', 'Note', 'N'],
      ['Fabrikam, Inc.', 'line one\r\nline two', '3'],
      ['\'=cmd|" /C calc"!A0', 'quote " inside', '-1'],
    ]);
  });
});

describe('csvTable', () => {
  it('quotes what needs quoting and reads back the same cells', () => {
    const rows = [
      ['Contoso, Ltd.', 'say "hi"', 'two\nlines', 14, '35.0'],
      ['plain', '', null, 0, '0.0'],
    ];
    const text = csvTable(['a', 'b', 'c', 'd', 'e'], rows);
    expect(text.endsWith('\r\n')).toBe(true);
    expect(parseCsv(text)).toEqual([
      ['a', 'b', 'c', 'd', 'e'],
      ['Contoso, Ltd.', 'say "hi"', 'two\nlines', '14', '35.0'],
      ['plain', '', '', '0', '0.0'],
    ]);
  });

  it('starts with a byte order mark when asked, which parsing skips', () => {
    const text = csvTable(['Zürich'], [['Genève']], { bom: true });
    expect(text.startsWith('\uFEFFZürich\r\n')).toBe(true);
    expect(parseCsv(text)).toEqual([['Zürich'], ['Genève']]);
  });

  it('never lets a text cell become a spreadsheet formula, but keeps negative numbers', () => {
    const [, row] = parseCsv(csvTable(['name'], [['=HYPERLINK("http://evil")'], ['@SUM(A1)'], ['-1+2']]));
    expect(row).toEqual([`'=HYPERLINK("http://evil")`]);
    expect(parseCsv(csvTable(['n'], [[-5]]))[1]).toEqual(['-5']);
  });
});
