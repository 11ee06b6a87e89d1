import type { guideEn } from './guide-en.js';

/** German texts of the guide's states: every English key, the same placeholders. */
export const guideDe: Record<keyof typeof guideEn, string> = {
  'licenseManagement.suspended.title': 'Lizenzverwaltung ausgesetzt',
  'licenseManagement.suspended.message': 'Zwei aufeinanderfolgende monatliche Nutzungsberichte sind überfällig, daher können Lizenzen nicht geändert werden. Reichen Sie einen überfälligen Nutzungsbericht ein, um die Aussetzung aufzuheben.',
  'licenseManagement.suspended.button': 'Nutzungsbericht öffnen',
  'policy.schedule.bySupportCase': 'Änderung nur über einen Veeam-Supportfall',
  'offboarding.fact': 'Offboarding',
  'offboarding.status.requested': 'Angefordert: Veeam-Supportfall eröffnen',
  'offboarding.status.submitted': 'An Veeam übermittelt (Fall {caseNumber})',
  'offboarding.status.approved': 'Von Veeam genehmigt (Fall {caseNumber}), Löschung ausstehend',
  'offboarding.status.rejected': 'Von Veeam abgelehnt (Fall {caseNumber})',
  'offboarding.status.deleted': 'Von Veeam gelöscht',
};
