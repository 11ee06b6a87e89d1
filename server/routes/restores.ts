import { z } from 'zod';
import { Restore, RestoreInput, RestoreQuery, RestoreUpdate } from '../../shared/schemas/backup.js';
import { Id, Page } from '../../shared/schemas/common.js';
import type { Router } from '../http/router.js';
import type { BackupParts } from '../services/backup/parts.js';

const ById = z.object({ id: Id });

/** `/restores`: restore requests and their outcome (they feed the dashboard and Restore Activity). */
export function restoresRouter({ restores }: BackupParts, router: Router): Router {
  return router
    .get('/', { summary: 'Restore requests, newest first', permission: 'monitoring', query: RestoreQuery, response: Page(Restore) }, ({ query }) => restores.list(query))
    .get('/:id', { summary: 'One restore request', permission: 'monitoring', params: ById, response: Restore }, ({ params }) => restores.get(params.id))
    .post('/', { summary: 'Record a restore request (and its outcome, if known)', permission: 'backupManagement', body: RestoreInput, response: Restore, status: 201 }, ({ principal, body }) =>
      restores.create(principal, body),
    )
    .patch('/:id', { summary: 'Record the outcome of a running restore', permission: 'backupManagement', params: ById, body: RestoreUpdate, response: Restore }, ({ principal, params, body }) =>
      restores.update(principal, params.id, body),
    );
}
