/**
 * Events one feature sends another through the page's document, so features stay independent
 * (neither imports the other). They carry no data: the listener asks the hub again.
 */

/** Customers were created or changed in the hub from this page (an import). */
export const CUSTOMERS_CHANGED = 'sphub:customers-changed';
