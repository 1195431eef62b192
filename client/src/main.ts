import { mount } from 'svelte';
import App from './components/App.svelte';
import { locale } from './i18n/i18n.js';
import { registerServiceWorker } from './pwa/register-service-worker.js';
import './styles/base.css';

// Screen readers pick their voice from the document's language.
document.documentElement.lang = locale;
mount(App, { target: document.getElementById('app')! });
registerServiceWorker();
