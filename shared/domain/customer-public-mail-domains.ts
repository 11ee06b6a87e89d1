/**
 * Public (consumer) mail providers. A customer's domain must be one the organization owns, so
 * none of these (nor a subdomain of one) can be a customer's domain. One list, data only: add
 * providers here.
 */
// Packed by hand, many a line: the formatter would put each entry on its own.
// prettier-ignore
export const PUBLIC_MAIL_DOMAINS: readonly string[] = [
  // Google
  'gmail.com', 'googlemail.com',
  // Microsoft consumer
  'outlook.com', 'outlook.de', 'outlook.fr', 'outlook.es', 'outlook.it', 'outlook.jp', 'outlook.co.uk', 'outlook.com.au',
  'hotmail.com', 'hotmail.de', 'hotmail.fr', 'hotmail.es', 'hotmail.it', 'hotmail.co.uk', 'hotmail.nl', 'hotmail.be', 'hotmail.ch', 'hotmail.se',
  'live.com', 'live.de', 'live.fr', 'live.nl', 'live.co.uk', 'live.com.au', 'live.ca', 'live.it', 'live.se', 'live.be',
  'msn.com', 'passport.com',
  // Yahoo and AOL
  'yahoo.com', 'yahoo.de', 'yahoo.fr', 'yahoo.es', 'yahoo.it', 'yahoo.co.uk', 'yahoo.co.jp', 'yahoo.com.au', 'yahoo.ca', 'yahoo.in', 'yahoo.com.br',
  'ymail.com', 'rocketmail.com', 'aol.com', 'aol.de', 'aim.com', 'verizon.net',
  // Apple
  'icloud.com', 'me.com', 'mac.com',
  // Privacy-focused and independent providers
  'proton.me', 'protonmail.com', 'protonmail.ch', 'pm.me', 'tutanota.com', 'tutanota.de', 'tutamail.com', 'tuta.io', 'tuta.com',
  'fastmail.com', 'fastmail.fm', 'hey.com', 'mailbox.org', 'posteo.de', 'posteo.net', 'runbox.com', 'hushmail.com', 'disroot.org',
  'zoho.com', 'zohomail.com', 'zohomail.eu', 'mail.com', 'email.com', 'usa.com', 'inbox.com', 'gmx.com', 'gmx.net', 'gmx.de', 'gmx.at', 'gmx.ch',
  // Europe
  'web.de', 't-online.de', 'freenet.de', 'arcor.de', '1und1.de', 'online.de',
  'orange.fr', 'wanadoo.fr', 'free.fr', 'laposte.net', 'sfr.fr', 'neuf.fr', 'bbox.fr',
  'libero.it', 'virgilio.it', 'tiscali.it', 'alice.it', 'tin.it',
  'btinternet.com', 'sky.com', 'virginmedia.com', 'talktalk.net', 'ntlworld.com', 'blueyonder.co.uk',
  'telenet.be', 'skynet.be', 'ziggo.nl', 'kpnmail.nl', 'planet.nl', 'home.nl', 'bluewin.ch',
  'seznam.cz', 'centrum.cz', 'wp.pl', 'o2.pl', 'onet.pl', 'interia.pl', 'op.pl',
  'mail.ru', 'inbox.ru', 'list.ru', 'bk.ru', 'yandex.ru', 'yandex.com', 'ya.ru', 'rambler.ru', 'ukr.net',
  'telia.com', 'online.no', 'bredband.net',
  // Americas
  'comcast.net', 'att.net', 'sbcglobal.net', 'bellsouth.net', 'charter.net', 'cox.net', 'earthlink.net', 'optonline.net',
  'shaw.ca', 'rogers.com', 'sympatico.ca', 'bell.net', 'uol.com.br', 'bol.com.br', 'terra.com.br',
  // Asia-Pacific
  'qq.com', 'foxmail.com', '163.com', '126.com', 'yeah.net', 'sina.com', 'sohu.com', 'aliyun.com',
  'naver.com', 'daum.net', 'hanmail.net', 'nate.com', 'rediffmail.com',
  'bigpond.com', 'bigpond.net.au', 'optusnet.com.au', 'iinet.net.au', 'xtra.co.nz',
  'docomo.ne.jp', 'ezweb.ne.jp', 'softbank.ne.jp', 'nifty.com',
];
