import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Board } from './app/Board.js';
import { isKiosk } from './app/kiosk.js';
import { connectLive } from './live/connect.js';
import './app/board.css';
import './app/panels.css';
import './app/charts.css';

const root = document.getElementById('root');
if (root === null) throw new Error('index.html lacks #root');

const live = connectLive();
createRoot(root).render(
  <StrictMode>
    <Board store={live.store} kiosk={isKiosk(window.location.search)} />
  </StrictMode>,
);

// In dev each hot reload of this module would otherwise leave one more socket open.
import.meta.hot?.dispose(() => live.close());
