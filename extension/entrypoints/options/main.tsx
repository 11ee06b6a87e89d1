import { createRoot } from 'react-dom/client';
import { browser } from 'wxt/browser';
import { ask } from '../../lib/messaging.js';
import '../../components/pages.css';
import './options.css';
import { Options } from './Options.js';

createRoot(document.getElementById('root')!).render(<Options ask={ask} permissions={browser.permissions} />);
