import type {
  DailyCountsView,
  UsageReport,
  UsageReportHistoryEntry,
  UsageReportList,
  UsageReportStatus,
  UsageReportUpdateInput,
  UsageSettingsUpdateInput,
  UsageSettingsView,
} from '../schemas/usage.js';
import type { ListQuery, Page } from '../schemas/common.js';
import type { RawRequest, Request } from './request.js';
import { seg } from './request.js';

export interface UsageReportListQuery {
  q?: string;
  status?: UsageReportStatus[];
  from?: string;
  to?: string;
  overdue?: boolean;
  sort?: 'month' | '-month' | 'totalPoints' | '-totalPoints';
  page?: number;
  pageSize?: number;
}

/** Monthly usage reports (Pulse): months are YYYY-MM; points are decimal strings ("35.0"). */
export const usageApi = (request: Request, raw: RawRequest) => ({
  usageReports: (query: UsageReportListQuery = {}) => request<UsageReportList>('GET', '/usage-reports', { query: { ...query } }),
  /** The month's report, or a computed snapshot for the running month. */
  usageReport: (month: string) => request<UsageReport>('GET', `/usage-reports/${seg(month)}`),
  updateUsageReport: (month: string, changes: UsageReportUpdateInput) => request<UsageReport>('PUT', `/usage-reports/${seg(month)}`, { body: changes }),
  /** Pulse's Submit Usage: saves the reviewed usage for confirmation. */
  submitUsageReport: (month: string, changes?: UsageReportUpdateInput) => request<UsageReport>('POST', `/usage-reports/${seg(month)}/submit`, changes === undefined ? {} : { body: changes }),
  /** Pulse's Confirm to Submit: sends it to the aggregator (status Submitted). */
  confirmUsageReport: (month: string) => request<UsageReport>('POST', `/usage-reports/${seg(month)}/confirm`),
  rejectUsageReport: (month: string, reason: string) => request<UsageReport>('POST', `/usage-reports/${seg(month)}/reject`, { body: { reason } }),
  recomputeUsageReport: (month: string) => request<UsageReport>('POST', `/usage-reports/${seg(month)}/recompute`),
  usageReportHistory: (month: string, params: Partial<ListQuery> = {}) => request<Page<UsageReportHistoryEntry>>('GET', `/usage-reports/${seg(month)}/history`, { query: { ...params } }),
  usageDailyCounts: (month: string) => request<DailyCountsView>('GET', `/usage-reports/${seg(month)}/daily-counts`),
  /** The report as CSV text; `details` leaves out the totals rows. */
  /** The month's report as an Excel workbook (Monthly Usage and SaaS Usage Details sheets). */
  usageReportXlsx: async (month: string) => new Uint8Array(await (await raw('GET', `/usage-reports/${seg(month)}.xlsx`)).arrayBuffer()),
  usageReportCsv: async (month: string, part: 'all' | 'details' = 'all') => (await raw('GET', `/usage-reports/${seg(month)}.csv`, { query: { part }, headers: { accept: 'text/csv' } })).text(),
  usageSettings: () => request<UsageSettingsView>('GET', '/usage-reports/settings'),
  updateUsageSettings: (input: UsageSettingsUpdateInput) => request<UsageSettingsView>('PUT', '/usage-reports/settings', { body: input }),
});
