import { render } from 'preact';
import { App } from './app.js';
import './styles.css';

const root = document.getElementById('app')!;
// The page's "Loading…" line is for the moment before this bundle runs; Preact would keep it.
root.textContent = '';
render(<App />, root);
