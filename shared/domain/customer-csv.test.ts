import { describe, expect, test } from 'vitest';
import { csvCell, parseCsv, toCsv } from './customer-csv.js';

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
