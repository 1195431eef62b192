import { mount } from 'svelte';
import App from './components/App.svelte';
import { registerServiceWorker } from './pwa/register-service-worker.js';
import './styles/base.css';

mount(App, { target: document.getElementById('app')! });
registerServiceWorker();
