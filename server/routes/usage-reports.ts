import { MINUTE } from '../../shared/domain/clock.js';
import { pageOf } from '../../shared/domain/paging.js';
import { ListQuery, Page } from '../../shared/schemas/common.js';
import {
  CsvQuery,
  ReportFileParams,
  DailyCountsView,
  MonthParams,
  UsageReport,
  UsageReportHistoryEntry,
  UsageReportList,
  UsageReportQuery,
  UsageReportReject,
  UsageReportSubmit,
  UsageReportUpdate,
  UsageSettingsUpdate,
  UsageSettingsView,
} from '../../shared/schemas/usage.js';
import { languageOf } from '../http/language.js';
import { usageWorkbook } from '../services/usage/usage-workbook.js';
import type { Area } from '../area.js';
import { UsageScheduler } from '../jobs/usage-scheduler.js';
import { seedUsage } from '../seed/usage.js';
import { usageAlertProvider, UsageService } from '../services/usage/usage-service.js';

declare module '../context.js' {
  interface HubServices {
    usage: UsageService;
    usageScheduler: UsageScheduler;
  }
}

/**
 * Monthly usage reports (Pulse). Reading needs `monitoring`; changing, submitting, confirming and
 * rejecting need `siteSettings`: the report is an account-level obligation of the partner, like
 * the account settings, not an action on one customer.
 */
export const usageArea: Area = {
  name: 'usage',
  setup(ctx, { router }) {
    const usage = new UsageService(ctx);
    ctx.services.usage = usage;
    const minutes = Number(ctx.config.env.SPHUB_USAGE_TICK_MINUTES);
    const scheduler = new UsageScheduler(usage, ctx.clock, Number.isFinite(minutes) && minutes >= 1 ? minutes * MINUTE : 60 * MINUTE);
    ctx.services.usageScheduler = scheduler;
    // The monitoring alerts registry (backup area, set up before this one) lists our alerts beside its own.
    ctx.services.alerts?.register(usageAlertProvider(usage));

    const routes = router()
      .get(
        '/',
        { summary: 'Monthly usage reports, with the reporting state (overdue months, suspension)', permission: 'monitoring', query: UsageReportQuery, response: UsageReportList },
        ({ c, query }) => usage.list(query, languageOf(c)),
      )
      .get('/settings', { summary: 'Rental agreement number and minimum commits used by new reports', permission: 'monitoring', response: UsageSettingsView }, () => usage.settingsView())
      .put(
        '/settings',
        { summary: 'Change the rental agreement number or minimum commits (reports not yet submitted follow)', permission: 'siteSettings', body: UsageSettingsUpdate, response: UsageSettingsView },
        ({ principal, body }) => usage.updateSettings(principal, body),
      )
      // Before /:month, which would otherwise take "2025-03.csv".
      // One route for both files (the API document has one path per template): YYYY-MM.csv or YYYY-MM.xlsx.
      .get(
        '/:file{[0-9]{4}-[0-9]{2}\\.(?:csv|xlsx)}',
        {
          summary: "A month's report as a file: YYYY-MM.csv (lines, then totals; part=details for the lines only) or YYYY-MM.xlsx (Monthly Usage and SaaS Usage Details sheets)",
          permission: 'monitoring',
          params: ReportFileParams,
          query: CsvQuery,
          produces: 'text/csv',
          expensive: true,
        },
        async ({ c, params, query }) => {
          const month = params.file.slice(0, 7);
          if (params.file.endsWith('.csv')) {
            const { filename, body } = await usage.csv(month, query.part);
            return new Response(body, { headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${filename}"` } });
          }
          const report = await usage.report(month, languageOf(c));
          const body = await usageWorkbook(report);
          const filename = report.number ? `usage-report-${month}-${report.number}.xlsx` : `usage-snapshot-${month}.xlsx`;
          return new Response(new Uint8Array(body), {
            headers: { 'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'content-disposition': `attachment; filename="${filename}"` },
          });
        },
      )
      .get(
        '/:month',
        { summary: "A month's report; the running month gives a computed snapshot (never saved)", permission: 'monitoring', params: MonthParams, response: UsageReport },
        ({ c, params }) => usage.report(params.month, languageOf(c)),
      )
      .put(
        '/:month',
        {
          summary: 'Edit current month usage per line, purchase order, comment or hand-added products; saves the report',
          permission: 'siteSettings',
          params: MonthParams,
          body: UsageReportUpdate,
          response: UsageReport,
        },
        ({ c, principal, params, body }) => usage.update(principal, params.month, body, languageOf(c)),
      )
      .post(
        '/:month/submit',
        {
          summary: 'Submit Usage: save the reviewed usage (with optional last edits) for confirmation',
          permission: 'siteSettings',
          params: MonthParams,
          body: UsageReportSubmit,
          response: UsageReport,
        },
        ({ c, principal, params, body }) => usage.submitUsage(principal, params.month, body, languageOf(c)),
      )
      .post(
        '/:month/confirm',
        { summary: 'Confirm to Submit: send the submitted usage to the aggregator (status Submitted)', permission: 'siteSettings', params: MonthParams, response: UsageReport },
        ({ c, principal, params }) => usage.confirm(principal, params.month, languageOf(c)),
      )
      .post(
        '/:month/reject',
        { summary: "Record the aggregator's rejection of a submitted report, with its reason", permission: 'siteSettings', params: MonthParams, body: UsageReportReject, response: UsageReport },
        ({ c, principal, params, body }) => usage.reject(principal, params.month, body.reason, languageOf(c)),
      )
      .post(
        '/:month/recompute',
        { summary: "Re-read the month's daily counts into a report not yet submitted (hand edits are kept)", permission: 'siteSettings', params: MonthParams, response: UsageReport },
        ({ c, principal, params }) => usage.recompute(principal, params.month, languageOf(c)),
      )
      .get(
        '/:month/history',
        { summary: 'Status history of a report, oldest first', permission: 'monitoring', params: MonthParams, query: ListQuery, response: Page(UsageReportHistoryEntry) },
        ({ params, query }) => pageOf(usage.history(params.month), query),
      )
      .get('/:month/daily-counts', { summary: 'The daily licensed-user counts behind a month, per customer', permission: 'monitoring', params: MonthParams, response: DailyCountsView }, ({ params }) =>
        usage.dailyCounts(params.month),
      );

    return {
      routes: [{ prefix: '/usage-reports', router: routes }],
      jobs: [scheduler],
      seed: () => seedUsage(ctx),
    };
  },
};
