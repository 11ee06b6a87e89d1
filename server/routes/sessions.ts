import { z } from 'zod';
import { LogQuery, Session, SessionExportQuery, SessionLogs } from '../../shared/schemas/backup.js';
import { Id } from '../../shared/schemas/common.js';
import type { Router } from '../http/router.js';
import { notFound } from '../http/errors.js';
import type { HubContext } from '../context.js';
import type { BackupParts } from '../services/backup/parts.js';
import { customerMonthZip, sessionLogsCsv } from '../services/backup/session-export.js';

const ById = z.object({ id: Id });

/** `/sessions/{id}`, its logs and their CSV. */
export function sessionsRouter(parts: BackupParts, router: Router): Router {
  const { backup } = parts;
  return router
    .get('/:id', { summary: 'One backup session (live progress while it runs)', permission: 'monitoring', params: ById, response: Session, tags: ['sessions'] }, ({ params }) =>
      backup.session(params.id),
    )
    .get('/:id/logs', { summary: "A session's log records, oldest first", permission: 'monitoring', params: ById, query: LogQuery, response: SessionLogs, tags: ['sessions'] }, ({ params, query }) =>
      backup.logs(params.id, query),
    )
    .get(
      '/:id/logs.csv',
      { summary: "A session's log records as CSV (Time, Status, Message)", permission: 'monitoring', params: ById, query: LogQuery, produces: 'text/csv', tags: ['sessions'] },
      async ({ params, query }) => {
        const { items } = await backup.logs(params.id, query);
        return new Response(sessionLogsCsv(items), {
          headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="session-logs-${params.id}.csv"` },
        });
      },
    );
}

/** `/customers/{id}/sessions/export?month=YYYY-MM`: the month's sessions and logs as a ZIP of CSV files. */
export function customerSessionsRouter(ctx: HubContext, parts: BackupParts, router: Router): Router {
  return router.get(
    '/:id/sessions/export',
    {
      summary: "A customer's backup sessions of one month (UTC) with their log records, as a ZIP holding two CSV files",
      permission: 'backupManagement',
      params: ById,
      query: SessionExportQuery,
      produces: 'application/zip',
      tags: ['sessions'],
    },
    async ({ params, query }) => {
      const customer = parts.directory.get(params.id);
      if (!customer) throw notFound('Customer', params.id);
      const { zip, fileName } = await customerMonthZip(ctx, parts, customer, query.month);
      return new Response(zip, { headers: { 'content-type': 'application/zip', 'content-disposition': `attachment; filename="${fileName}"` } });
    },
  );
}
