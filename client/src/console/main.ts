// First: before any schema is built (see zod-jitless.ts).
import '../zod-jitless.js';
import { mount } from 'svelte';
import '../styles/base.css';
import Console from './Console.svelte';

mount(Console, { target: document.getElementById('app')! });
