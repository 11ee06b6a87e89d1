/** An Atom 1.0 feed (RFC 4287) of status incidents, maintenance windows and state changes. */

export interface FeedEntry {
  id: string;
  title: string;
  updated: string;
  published?: string | undefined;
  summary: string;
  link?: string | undefined;
  categories?: readonly string[] | undefined;
}

export interface Feed {
  id: string;
  title: string;
  updated: string;
  /** The feed's own URL (rel=self) and the page it describes. */
  selfUrl: string;
  pageUrl?: string | undefined;
  entries: readonly FeedEntry[];
}

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
// Characters XML 1.0 cannot carry at all are dropped.
// eslint-disable-next-line no-control-regex
const INVALID_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;

function xmlText(value: string): string {
  return value.replace(INVALID_XML, '').replace(/[&<>"']/g, (c) => XML_ESCAPES[c]!);
}

export function atomFeed(feed: Feed): string {
  const e = xmlText;
  const out = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom">',
    `  <id>${e(feed.id)}</id>`,
    `  <title>${e(feed.title)}</title>`,
    `  <updated>${e(feed.updated)}</updated>`,
    `  <link rel="self" type="application/atom+xml" href="${e(feed.selfUrl)}"/>`,
    ...(feed.pageUrl ? [`  <link rel="alternate" href="${e(feed.pageUrl)}"/>`] : []),
    '  <author><name>SP Hub</name></author>',
  ];
  for (const entry of feed.entries) {
    out.push(
      '  <entry>',
      `    <id>${e(entry.id)}</id>`,
      `    <title>${e(entry.title)}</title>`,
      `    <updated>${e(entry.updated)}</updated>`,
      ...(entry.published ? [`    <published>${e(entry.published)}</published>`] : []),
      ...(entry.link ? [`    <link href="${e(entry.link)}"/>`] : []),
      ...(entry.categories ?? []).map((c) => `    <category term="${e(c)}"/>`),
      `    <summary type="text">${e(entry.summary)}</summary>`,
      '  </entry>',
    );
  }
  out.push('</feed>');
  return `${out.join('\n')}\n`;
}
