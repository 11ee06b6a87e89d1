import { apiEn } from './api-en.js';
import { botEn } from './bot-en.js';
import { guideEn } from './guide-en.js';

/**
 * The English message catalog: the source of every key. Messages are plain text (never markdown
 * or HTML); `{name}` placeholders are filled by `t()`. Keys ending in `.one` / `.other` are plural
 * forms picked by `tn()`. Other areas (the bot) add their keys here and in de.ts.
 */
export const en = {
  // ---- topics ----
  'topic.backupComplete': 'Backup complete',
  'topic.backupFailed': 'Backup failed',
  'topic.restoreActivity': 'Restore activity',
  'topic.licenseChange': 'License change',
  'topic.staleProtection': 'Stale protection',
  'topic.licenseThreshold': 'License threshold',
  'topic.usageReportDue': 'Usage report due',
  'topic.serviceStatus': 'Service status',
  'topic.connectionFailing': 'Connection failing',

  // ---- policy and session statuses ----
  'status.Success': 'Success',
  'status.Warning': 'Warning',
  'status.Failed': 'Failed',
  'status.Running': 'Running',
  'status.Stopped': 'Stopped',
  'status.Disconnected': 'Disconnected',
  'status.Never': 'Never run',

  // ---- restore kinds and statuses ----
  'restore.kind.mailItem': 'Mail item',
  'restore.kind.oneDriveFile': 'OneDrive file',
  'restore.kind.sharePointItem': 'SharePoint item',
  'restore.kind.teamsItem': 'Teams item',
  'restore.status.requested': 'Requested',
  'restore.status.running': 'Running',
  'restore.status.completed': 'Completed',
  'restore.status.failed': 'Failed',

  // ---- service status ----
  'service.status.operational': 'Operational',
  'service.status.degraded': 'Degraded',
  'service.status.outage': 'Outage',
  'service.status.maintenance': 'Maintenance',

  // ---- fact titles ----
  'fact.customer': 'Customer',
  'fact.policy': 'Policy',
  'fact.status': 'Status',
  'fact.started': 'Started',
  'fact.ended': 'Ended',
  'fact.duration': 'Duration',
  'fact.processedObjects': 'Processed objects',
  'fact.transferred': 'Transferred',
  'fact.failingSince': 'Failing since',
  'fact.failuresInRow': 'Failures in a row',
  'fact.lastSuccess': 'Last successful backup',
  'fact.threshold': 'Threshold',
  'fact.licensed': 'Licensed users',
  'fact.used': 'Protected users',
  'fact.usage': 'License usage',
  'fact.previous': 'Before',
  'fact.current': 'Now',
  'fact.month': 'Usage month',
  'fact.report': 'Report',
  'fact.dueDate': 'Due by',
  'fact.region': 'Region',
  'fact.service': 'Service',
  'fact.kind': 'Type',
  'fact.item': 'Item',
  'fact.since': 'Since',
  'fact.connection': 'Connection',
  'fact.requestedBy': 'Requested by',
  'fact.items': 'Items',
  'fact.reason': 'Reason',
  'fact.message': 'Message',
  'fact.changedBy': 'Changed by',

  // ---- card and mail headlines ----
  'card.failure.title': 'Backup failed',
  'card.failure.intro': 'The policy {policy} of {customer} did not complete.',
  'card.failure.nextStep': 'Check the session log, fix the cause and retry the policy.',
  'card.disconnected.title': 'Backup disconnected',
  'card.disconnected.nextStep': 'The connection to the customer’s Microsoft 365 organization was lost. Ask the customer’s Global Administrator to reconnect it.',
  'card.completion.title': 'Backup complete',
  'card.completion.titleWarning': 'Backup complete with warnings',
  'card.completion.titleStopped': 'Backup stopped',
  'card.completion.intro': 'The policy {policy} of {customer} finished.',
  'card.restore.title': 'Restore activity',
  'card.restore.intro': '{customer}: {kind} restore {status}.',
  'card.licenseThreshold.title': 'License usage at {percent}',
  'card.licenseThreshold.intro': '{customer} protects {used} of {licensed} licensed users.',
  'card.licenseThreshold.nextStep': 'Review the customer’s license count before the limit is reached.',
  'card.licenseThreshold.over': '{customer} protects more users than it has licenses for.',
  'card.licenseChange.title': 'License change',
  'card.licenseChange.intro': 'The licensed users of {customer} changed from {previous} to {current}.',
  'card.stale.title': 'No recent successful backup',
  'card.stale.intro': 'The policy {policy} of {customer} has had no successful backup for more than {hours} hours.',
  'card.stale.never': 'The policy {policy} of {customer} has never completed successfully.',
  'card.stale.nextStep': 'Start the policy now or check why it does not run.',
  'card.usageReport.title': 'Usage report due',
  'card.usageReport.titleOverdue': 'Usage report overdue',
  'card.usageReport.intro': 'The usage report for {month} is due by {due}.',
  'card.usageReport.overdue': 'The usage report for {month} was due by {due} and has not been submitted.',
  'card.usageReport.suspended': 'Two consecutive months are overdue: license management is suspended until the reports are submitted.',
  'card.usageReport.nextStep': 'Review the report and submit it in VCSP Pulse.',
  'card.connectionFailing.title': 'Connection failing',
  'card.connectionFailing.intro': 'SP Hub cannot sync from {connection}; it keeps the last complete state until a sync succeeds.',
  'card.connectionFailing.nextStep': 'Test the connection in SP Hub and fix what it names (address, certificate, credentials, role).',
  'card.serviceStatus.title': 'Service status: {region}',
  'card.serviceStatus.titleMany': 'Service status changed',
  'card.serviceStatus.intro': '{service} in {region} is now {status}.',
  'card.test.title': 'SP Hub test notification',
  'card.test.intro': 'This is a test message sent from SP Hub to check that this contact receives notifications.',
  'card.test.sentBy': 'Sent by {name}.',

  // ---- buttons ----
  'action.openPortal': 'Open in portal',
  'action.openHub': 'Open in SP Hub',
  'action.retryPolicy': 'Retry policy',
  'action.startPolicy': 'Start policy',
  'action.acknowledge': 'Acknowledge',
  'action.resendInvite': 'Resend invite',

  // ---- digest ----
  'digest.title': 'Daily summary for {date}',
  'digest.intro': 'What needs attention at {account} today.',
  'digest.allClear': 'Nothing needs attention today.',
  'digest.section.failed': 'Failed policies',
  'digest.section.warning': 'Policies with warnings',
  'digest.section.stale': 'No successful backup for {hours} hours',
  'digest.section.license': 'License usage at or above {percent}',
  'digest.section.invites': 'Invitations pending for more than {days} days',
  'digest.section.reportDue': 'Usage reports',
  'digest.section.activity': 'Last 24 hours',
  'digest.activity.completed.one': '{count} backup completed',
  'digest.activity.completed.other': '{count} backups completed',
  'digest.activity.failed.one': '{count} backup failed',
  'digest.activity.failed.other': '{count} backups failed',
  'digest.activity.restores.one': '{count} restore',
  'digest.activity.restores.other': '{count} restores',
  'digest.more.one': 'and {count} more',
  'digest.more.other': 'and {count} more',
  'digest.count.failed': '{count} failed',
  'digest.count.warning': '{count} with warnings',
  'digest.count.stale': '{count} stale',
  'digest.invitedOn': 'invited {date}',
  'digest.lastSuccessNever': 'never succeeded',
  'digest.lastSuccessOn': 'last success {date}',
  'digest.reportLine': '{month}: {status}, due by {due}',

  // ---- usage report statuses ----
  'report.status.Pending Service Provider Review': 'Pending service provider review',
  'report.status.Saved': 'Saved',
  'report.status.Submitted': 'Submitted',
  'report.status.Rejected': 'Rejected',
  'report.status.Overdue': 'Overdue',

  // ---- mail ----
  'mail.footer': 'You receive this message because this address is a notification contact in SP Hub for: {topics}.',
  'mail.footerChange': 'Ask your SP Hub administrator to change these notification settings.',
  'mail.subjectPrefix': 'SP Hub',

  // ---- units ----
  'unit.none': '\u2014',

  // ---- the Teams bot (its own file) ----
  ...botEn,

  // ---- the API's error texts (their own file) ----
  ...apiEn,

  // ---- states from the VDC guide (their own file) ----
  ...guideEn,
} as const;

export type MessageKey = keyof typeof en;
