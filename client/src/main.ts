import { mount } from 'svelte';
import App from './components/App.svelte';
import { currentLocale } from './i18n/i18n.js';
import { followAppearance } from './preferences/appearance.js';
import { registerServiceWorker } from './pwa/register-service-worker.js';
import './styles/base.css';

// Screen readers pick their voice from the document's language; the boot script set it only for a saved choice.
document.documentElement.lang = currentLocale();
// Language and theme follow the synced preferences, live, on this device and from the shopper's others.
followAppearance();
mount(App, { target: document.getElementById('app')! });
registerServiceWorker();
