import { createRoot } from 'react-dom/client';
import { browser } from 'wxt/browser';
import { uiLanguage } from '../../lib/i18n.js';
import { ask } from '../../lib/messaging.js';
import '../../components/pages.css';
import './options.css';
import { Options } from './Options.js';

document.documentElement.lang = uiLanguage();
createRoot(document.getElementById('root')!).render(<Options ask={ask} permissions={browser.permissions} />);
