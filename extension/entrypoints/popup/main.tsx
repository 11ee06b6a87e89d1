import { createRoot } from 'react-dom/client';
import { uiLanguage } from '../../lib/i18n.js';
import { ask } from '../../lib/messaging.js';
import '../../components/pages.css';
import './popup.css';
import { Popup } from './Popup.js';

document.documentElement.lang = uiLanguage();
createRoot(document.getElementById('root')!).render(<Popup ask={ask} />);
