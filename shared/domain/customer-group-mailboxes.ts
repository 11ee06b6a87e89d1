/**
 * Local parts that name a shared or group mailbox rather than a person. An admin user must be a
 * person's sign-in name (a UPN), so `info@customer.com` is refused. One list, data only.
 */
// Packed by hand, many a line: the formatter would put each entry on its own.
// prettier-ignore
export const GROUP_MAILBOX_NAMES: readonly string[] = [
  'admin', 'admins', 'administrator', 'administrators', 'root', 'sysadmin', 'it', 'itsupport', 'it-support', 'ithelp', 'servicedesk', 'service-desk',
  'info', 'information', 'contact', 'contactus', 'contact-us', 'hello', 'hi', 'enquiries', 'inquiries', 'enquiry', 'inquiry', 'general', 'reception',
  'support', 'help', 'helpdesk', 'help-desk', 'service', 'services', 'customerservice', 'customer-service', 'care',
  'sales', 'marketing', 'billing', 'accounts', 'accounting', 'finance', 'invoices', 'invoice', 'payments', 'payroll', 'purchasing', 'orders', 'procurement',
  'hr', 'jobs', 'careers', 'recruiting', 'recruitment', 'people', 'office', 'team', 'staff', 'all', 'everyone', 'allstaff', 'all-staff', 'employees',
  'noreply', 'no-reply', 'donotreply', 'do-not-reply', 'mailer-daemon', 'postmaster', 'hostmaster', 'webmaster', 'abuse', 'security', 'privacy',
  'legal', 'compliance', 'press', 'media', 'news', 'newsletter', 'operations', 'ops', 'noc', 'alerts', 'monitoring', 'backup', 'backups',
];
