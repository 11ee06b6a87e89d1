/**
 * English texts of the hub's API answers (errors), in the caller's language through
 * Accept-Language. `{field}` is a field's name as a person reads it (api.field.*).
 */
export const apiEn = {
  'api.invalid.tooLong': 'The {field} is too long (at most {max} characters).',
  'api.invalid.tooShort': 'The {field} is too short (at least {min} characters).',
  'api.invalid.tooMany': 'The {field} has too many entries (at most {max}).',
  'api.invalid.tooFew': 'The {field} has too few entries (at least {min}).',
  'api.invalid.tooLarge': 'The {field} is too large (at most {max}).',
  'api.invalid.tooSmall': 'The {field} is too small (at least {min}).',
  'api.invalid.missing': 'The {field} is missing.',
  'api.invalid.unknown': 'The {field} is not a known field.',
  'api.invalid.other': 'The {field} is not valid.',
  'api.invalid.more': '{count} more problems are listed in the details.',
  'api.field.generic': 'field “{name}”',
  'api.field.q': 'search text',
  'api.field.emails': 'list of email addresses',
  'api.field.email': 'email address',
  'api.field.name': 'name',
  'api.field.page': 'page number',
  'api.field.pageSize': 'page size',
  'api.notFound': '{what} {id} was not found.',
  'api.notFound.noId': '{what} was not found.',
  'api.thing.Policy': 'Policy',
  'api.thing.Customer': 'Customer',
  'api.thing.Alert': 'Alert',
  'api.thing.Session': 'Session',
  'api.thing.User': 'User',
  'api.thing.Conversation': 'Conversation',
} as const;
