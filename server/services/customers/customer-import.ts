import { readCsv, type CsvRecord } from '../../../shared/domain/csv.js';
import { planCustomerImport } from '../../../shared/domain/customer-import.js';
import type { CustomerImportResult, ImportProblem } from '../../../shared/schemas/customers.js';
import type { Principal } from '../../auth/principal.js';
import type { HubContext } from '../../context.js';
import { businessRule, conflict, HubError, invalid, type FieldError } from '../../http/errors.js';
import { newId } from '../../ids.js';
import { recordChange } from '../changes.js';
import { customers } from '../customer-collection.js';
import type { CustomerService } from './customer-service.js';

/** What one import may hold: rows (besides the header) and characters per cell. Bytes are limited by the route. */
export const IMPORT_LIMITS = { maxRows: 50_000, maxCellLength: 10_000 };

/** Where a problem is, as a spreadsheet user finds it: "line 4, column 2 (Domain)". */
const placeOf = (p: { line: number; column: number; header?: string | null }) => `line ${p.line}, column ${p.column}${p.header ? ` (${p.header})` : ''}`;

/** Reads a CSV text into records, or throws the API's 413 (too many rows) or 400 (broken CSV) naming line and column. */
export function readImportCsv(text: string): CsvRecord[] {
  const parsed = readCsv(text, { maxRecords: IMPORT_LIMITS.maxRows + 1, maxCellLength: IMPORT_LIMITS.maxCellLength });
  if (parsed.ok) return parsed.records;
  const where = placeOf(parsed.problem);
  if (parsed.tooLarge) throw new HubError('too_large', `The file has more than ${IMPORT_LIMITS.maxRows} rows; split it into smaller files.`, [{ field: where, message: parsed.problem.message }]);
  throw invalid(`The file is not valid CSV at ${where}: ${parsed.problem.message}. Nothing was imported.`, [{ field: where, message: parsed.problem.message }]);
}

/** The problems as the one error shape's details, and a message naming the first few. */
export function refusal(problems: readonly ImportProblem[], what: string): HubError {
  const details: FieldError[] = problems.map((p) => ({ field: placeOf(p), message: p.message }));
  const first = problems
    .slice(0, 3)
    .map((p) => `${placeOf(p)}: ${p.message}`)
    .join('; ');
  const more = problems.length > 3 ? ` (and ${problems.length - 3} more)` : '';
  return businessRule(`The ${what} import was refused with ${problems.length} problem${problems.length === 1 ? '' : 's'}, so nothing was changed. ${first}${more}.`, details);
}

/**
 * `POST /customers/import`: a customers CSV in the export's format. A dry run says what would be
 * created, updated, left unchanged or refused; a real run applies all of it in one store write,
 * or nothing when any row has a problem.
 */
export class CustomerImportService {
  constructor(
    private readonly ctx: HubContext,
    private readonly service: CustomerService,
  ) {}

  async importCsv(principal: Principal, text: string, dryRun: boolean): Promise<CustomerImportResult> {
    const records = readImportCsv(text);
    const plan = planCustomerImport(
      records,
      { byDomain: (d) => this.service.byDomain(d), byTenant: (t) => this.service.byTenant(t) },
      { now: this.ctx.clock.now(), provisioningMs: this.ctx.config.provisioningMs, newId: () => newId('cus') },
    );
    const result: CustomerImportResult = {
      dryRun,
      applied: false,
      created: plan.created,
      updated: plan.updated,
      unchanged: plan.unchanged,
      refused: plan.refused,
      rows: plan.rows,
      problems: plan.problems,
    };
    if (dryRun) return result;
    if (plan.problems.length > 0) throw refusal(plan.problems, 'customers');
    // Changing a customer's licence limit is licence management, refused while it is suspended (as PATCH is).
    const limitChanged = plan.writes.some((c) => {
      const before = this.service.find(c.id);
      return before !== undefined && (c.licenseLimit ?? 0) !== (before.licenseLimit ?? 0);
    });
    if (limitChanged) this.service.assertLicenseManagement();
    if (plan.writes.length > 0) {
      // What each update was planned from: a change made meanwhile is not overwritten.
      const bases = new Map(plan.rows.filter((r) => r.action === 'update').map((r) => [r.customerId!, this.service.find(r.customerId!)]));
      await this.ctx.store.write((tx) => {
        for (const customer of plan.writes) {
          const base = bases.get(customer.id);
          if (base === undefined) {
            const owner = (customer.domain ? this.service.byDomain(customer.domain) : undefined) ?? (customer.tenantDomain ? this.service.byTenant(customer.tenantDomain) : undefined);
            if (owner) throw conflict(`${owner.displayName} was created with ${customer.domain ?? customer.tenantDomain} while importing; nothing was imported, try again.`);
          } else if (tx.get(customers, customer.id) !== base) {
            throw conflict(`${customer.displayName} was changed while importing; nothing was imported, try again.`);
          }
          tx.put(customers, customer);
        }
      });
    }
    result.applied = true;
    await recordChange(this.ctx, principal, {
      action: 'customers.imported',
      target: { type: 'customer', name: `${plan.created} created, ${plan.updated} updated` },
      details: { created: plan.created, updated: plan.updated, unchanged: plan.unchanged, rows: plan.rows.length },
    });
    return result;
  }
}

declare module '../../context.js' {
  interface HubServices {
    customerImport: CustomerImportService;
  }
}
