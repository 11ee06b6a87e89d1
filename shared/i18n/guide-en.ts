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
  'invite.mail.subject': 'Invitation to Veeam Data Cloud for Microsoft 365: {customer}',
  'invite.mail.greeting': 'Hello,',
  'invite.mail.body': 'Your service provider invites {customer} to Veeam Data Cloud for Microsoft 365. Use the invitation link to sign up and connect your Microsoft 365 tenant.',
  'invite.mail.link': 'Accept the invitation',
  'welcome.mail.subject': 'Welcome to Veeam Data Cloud for Microsoft 365: {customer}',
  'welcome.mail.greeting': 'Hello {name},',
  'welcome.mail.body': 'You were added as an admin user of {customer} in Veeam Data Cloud for Microsoft 365. Use the invitation link to sign in with your Microsoft 365 account.',
  'welcome.mail.link': 'Sign in to Veeam Data Cloud',
  'invite.mail.footer': 'You receive this message because your service provider entered this address for {customer}. If you did not expect it, you can ignore it.',
  'help.link.helpCenter': 'Visit the Help Center',
  'help.link.knowledgeBase': 'Visit the Knowledge Base',
  'help.link.supportCase': 'Open a Support Case',
} as const;
