import { describe, expect, it } from 'vitest';
import { projectPath } from '../../server/paths.js';
import { checkImport, describeViolation, importsOf, readSources, violationsIn } from '../helpers/import-directions.js';

describe('import directions between shared, server, bot and extension', () => {
  it('holds for the whole tree', async () => {
    const sources = await readSources(projectPath());
    // The walk found the parts (a wrong root would pass with nothing read).
    for (const file of ['shared/cards/kit.ts', 'server/areas.ts', 'bot/area.ts', 'extension/entrypoints/background.ts']) expect(sources.has(file), file).toBe(true);
    const violations = violationsIn(sources).map(describeViolation);
    expect(violations, `Imports against the allowed directions (docs/ARCHITECTURE.md):\n${violations.join('\n')}`).toEqual([]);
  });

  it('names the offending import, its line and the rule', () => {
    const sources = new Map([
      ['bot/notify/x.ts', "import type { Principal } from '../../server/auth/principal.js';\nimport { defineCollection } from '../../server/area.js';\n"],
      ['shared/cards/y.ts', "import { z } from 'zod';\n\nimport {\n  thing,\n} from '../../bot/context.js';\n"],
      ['server/routes/z.ts', "const load = () => import('../../bot/hosting.js');\n"],
      ['server/areas.ts', "import { botArea } from '../bot/area.js';\n"],
      ['extension/lib/w.ts', "import { x } from '@/lib/v';\nimport { y } from '../../server/http/errors.js';\n"],
      ['bot/z.test.ts', "import { createTestHub } from '../test/helpers/hub.js';\nimport { x } from '../server/store/store.js';\n"],
      ['test/helpers/q.ts', "import { x } from '../../bot/bot.js';\n"],
    ]);
    expect(violationsIn(sources).map(describeViolation)).toEqual([
      "bot/notify/x.ts:1 imports '../../server/auth/principal.js' (server/auth/principal): bot/ imports shared/ and, of the server, only server/area.ts (the public area interface)",
      "shared/cards/y.ts:5 imports '../../bot/context.js' (bot/context): shared/ imports nothing else in the repo",
      "server/routes/z.ts:1 imports '../../bot/hosting.js' (bot/hosting): server/ imports shared/, and bot/ only from server/areas.ts",
      "extension/lib/w.ts:2 imports '../../server/http/errors.js' (server/http/errors): extension/ imports shared/ only",
    ]);
  });

  it('reads type imports, re-exports, dynamic imports and declaration merging, not packages', () => {
    const source = [
      "import type { A } from './a.js';",
      "export { B } from '../b.js';",
      "export * from './c.js';",
      "import './side-effect.js';",
      "type T = typeof import('../d.js');",
      "declare module '../e.js' {",
      '  interface X { y: 1 }',
      '}',
      "import { z } from 'zod';",
      "const url = 'https://example.com/import/from';",
    ].join('\n');
    expect(importsOf(source).map((i) => `${i.line}:${i.specifier}`)).toEqual(['1:./a.js', '2:../b.js', '3:./c.js', '4:./side-effect.js', '5:../d.js', '6:../e.js', '9:zod']);
    expect(checkImport('bot/x.ts', '../server/context.js')).not.toBeNull();
    expect(checkImport('bot/x.ts', '../server/area.js')).toBeNull();
    expect(checkImport('bot/x.ts', 'hono')).toBeNull();
    expect(checkImport('server/app.ts', '../bot/area.js')).not.toBeNull();
  });
});
