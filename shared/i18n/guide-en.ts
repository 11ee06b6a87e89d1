/**
 * English texts of the states the VDC guide adds (suspension, offboarding case, schedule by
 * support case, invitation mails). Kept in their own file; en.ts spreads them in.
 */
export const guideEn = {
  'licenseManagement.suspended.title': 'License management is suspended',
  'licenseManagement.suspended.message': 'Two consecutive monthly usage reports are overdue, so licences cannot change. Submit an overdue usage report to lift the suspension.',
  'licenseManagement.suspended.button': 'Open the usage report',
  'policy.schedule.bySupportCase': 'changed only through a Veeam support case',
  'offboarding.fact': 'Offboarding',
  'offboarding.status.requested': 'Requested: open the Veeam support case',
  'offboarding.status.submitted': 'Submitted to Veeam (case {caseNumber})',
  'offboarding.status.approved': 'Approved by Veeam (case {caseNumber}), deletion pending',
  'offboarding.status.rejected': 'Rejected by Veeam (case {caseNumber})',
  'offboarding.status.deleted': 'Deleted by Veeam',
} as const;
