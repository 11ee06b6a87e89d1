import { createRoot } from 'react-dom/client';
import { ask } from '../../lib/messaging.js';
import '../../components/pages.css';
import './popup.css';
import { Popup } from './Popup.js';

createRoot(document.getElementById('root')!).render(<Popup ask={ask} />);
