import { mount } from 'svelte';
import '../styles/base.css';
import Console from './Console.svelte';

mount(Console, { target: document.getElementById('app')! });
