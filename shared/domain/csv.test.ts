import { describe, expect, it, test } from 'vitest';
import { csvCell, csvTable, parseCsv, readCsv, toCsv, unneutralise } from './csv.js';

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

describe('readCsv (strict RFC 4180 with lines and columns)', () => {
  const ok = (text: string) => {
    const result = readCsv(text);
    if (!result.ok) throw new Error(result.problem.message);
    return result.records;
  };

  it('reads quoted cells with commas, quotes and line ends, CRLF, LF and CR between records', () => {
    expect(ok('a,b\r\n"x, y","say ""hi"""\n"two\r\nlines",z\rlast,row')).toEqual([
      { line: 1, cells: ['a', 'b'] },
      { line: 2, cells: ['x, y', 'say "hi"'] },
      { line: 3, cells: ['two\r\nlines', 'z'] },
      { line: 5, cells: ['last', 'row'] },
    ]);
  });

  it('skips a BOM and blank lines, keeps empty cells, a trailing comma and a quoted empty cell', () => {
    expect(ok('\uFEFFa,b\r\n\r\n,\r\nx,\r\n""\r\n')).toEqual([
      { line: 1, cells: ['a', 'b'] },
      { line: 3, cells: ['', ''] },
      { line: 4, cells: ['x', ''] },
      { line: 5, cells: [''] },
    ]);
  });

  test.each([
    ['a,b\r\nx,"never closed\r\n', 2, 2, /never closed/],
    ['a,b\r\nx,"ab"c\r\n', 2, 2, /follows the closing quote/],
    ['a,b\r\n"multi\nline",ok\r\nx,y"z\r\n', 4, 2, /not quoted/],
  ])('%j is refused at line %i, column %i', (text, line, column, message) => {
    const result = readCsv(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problem).toMatchObject({ line, column });
    expect(result.problem.message).toMatch(message);
  });

  it('stops at the limits with a problem, never a partial result', () => {
    const rows = 'h\r\n' + 'x\r\n'.repeat(5);
    const tooMany = readCsv(rows, { maxRecords: 4 });
    expect(tooMany).toMatchObject({ ok: false, tooLarge: true, problem: { line: 5, column: 1 } });
    expect(readCsv('a,b\r\n1,' + 'y'.repeat(11), { maxCellLength: 10 })).toMatchObject({ ok: false, tooLarge: false, problem: { line: 2, column: 2 } });
  });

  it('undoes formula neutralising exactly, so every text round-trips', () => {
    const texts = ['=SUM(A1)', "'=SUM(A1)", "''+1", '-5', '@x', '\tx', "'plain", 'plain', '', "'"];
    const [, row] = parseCsv(csvTable(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'], [texts]));
    expect(row!.map(unneutralise)).toEqual(texts);
  });
});
