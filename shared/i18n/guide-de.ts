import type { guideEn } from './guide-en.js';

/** German texts of the guide's states: every English key, the same placeholders. */
export const guideDe: Record<keyof typeof guideEn, string> = {
  'licenseManagement.suspended.title': 'Lizenzverwaltung ausgesetzt',
  'licenseManagement.suspended.message':
    'Zwei aufeinanderfolgende monatliche Nutzungsberichte sind überfällig, daher können Lizenzen nicht geändert werden. Reichen Sie einen überfälligen Nutzungsbericht ein, um die Aussetzung aufzuheben.',
  'licenseManagement.suspended.button': 'Nutzungsbericht öffnen',
  'policy.schedule.bySupportCase': 'Änderung nur über einen Veeam-Supportfall',
  'offboarding.fact': 'Offboarding',
  'offboarding.status.requested': 'Angefordert: Veeam-Supportfall eröffnen',
  'offboarding.status.submitted': 'An Veeam übermittelt (Fall {caseNumber})',
  'offboarding.status.approved': 'Von Veeam genehmigt (Fall {caseNumber}), Löschung ausstehend',
  'offboarding.status.rejected': 'Von Veeam abgelehnt (Fall {caseNumber})',
  'offboarding.status.deleted': 'Von Veeam gelöscht',
  'invite.mail.subject': 'Einladung zu Veeam Data Cloud for Microsoft 365: {customer}',
  'invite.mail.greeting': 'Guten Tag,',
  'invite.mail.body': 'Ihr Dienstanbieter lädt {customer} zu Veeam Data Cloud for Microsoft 365 ein. Registrieren Sie sich über den Einladungslink und verbinden Sie Ihren Microsoft 365-Mandanten.',
  'invite.mail.link': 'Einladung annehmen',
  'welcome.mail.subject': 'Willkommen bei Veeam Data Cloud for Microsoft 365: {customer}',
  'welcome.mail.greeting': 'Guten Tag {name},',
  'welcome.mail.body': 'Sie wurden als Administrator von {customer} in Veeam Data Cloud for Microsoft 365 hinzugefügt. Melden Sie sich über den Einladungslink mit Ihrem Microsoft 365-Konto an.',
  'welcome.mail.link': 'Bei Veeam Data Cloud anmelden',
  'invite.mail.footer': 'Sie erhalten diese Nachricht, weil Ihr Dienstanbieter diese Adresse für {customer} angegeben hat. Falls Sie sie nicht erwartet haben, können Sie sie ignorieren.',
  'help.link.helpCenter': 'Help Center öffnen',
  'help.link.knowledgeBase': 'Knowledge Base öffnen',
  'help.link.supportCase': 'Supportfall eröffnen',
};
