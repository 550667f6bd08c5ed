import { StrictMode } from 'react';
import type { ReactNode } from 'react';
import { createRoot } from 'react-dom/client';
import { Board } from './app/Board.js';
import { ExecScreen } from './app/exec/ExecScreen.js';
import { isKiosk } from './app/kiosk.js';
import { ReplayScreen } from './app/replay/ReplayScreen.js';
import { screenOf } from './app/route.js';
import { connectLive } from './live/connect.js';
import { createProgramStore, followProgram } from './live/program.js';
import { screenOfSearch, startReporter } from './live/report.js';
import { createMarksStore, followMarks } from './live/marks.js';
import { apiGet } from './app/api.js';
import { Console } from './director/Console.js';
import { AuditScreen } from './app/audit/AuditScreen.js';
import './app/audit/audit.css';
import { connectReplay } from './live/connectReplay.js';
import { langFrom, setLang } from './i18n/lang.js';
import { t } from './i18n/t.js';
import './app/board.css';
import './app/panels.css';
import './app/charts.css';
import './app/map-views.css';
import './app/screens.css';
import './app/scenes.css';
import './app/marks.css';
import './director/director.css';
import './director/fleet.css';
import './director/marks.css';

const root = document.getElementById('root');
if (root === null) throw new Error('index.html lacks #root');

// The language first: every formatter reads it from the first render on.
const lang = langFrom(window.location.search);
setLang(lang);
document.documentElement.lang = lang;
document.title = t('app.title');

// One bundle, four screens: the path picks one, and only its socket is opened.
const screen = screenOf(window.location.pathname);
document.documentElement.classList.add(`screen-${screen}`);
let view: ReactNode;
let close: () => void;
if (screen === 'replay') {
  const replay = connectReplay();
  document.title = t('app.replayTitle');
  view = <ReplayScreen conn={replay} />;
  close = replay.close;
} else if (screen === 'audit') {
  // The audit reads the HTTP API with the viewer's token; it opens no socket.
  document.title = t('audit.title');
  view = <AuditScreen />;
  close = () => {};
} else if (screen === 'director') {
  // The console speaks HTTP with the director's token; it opens no board socket.
  document.title = t('director.title');
  view = <Console />;
  close = () => {};
} else {
  const live = connectLive();
  // The director's program (scene, hold) follows the same socket; only the wall shows it.
  const program = createProgramStore(live.store);
  followProgram(live.socket, program, live.present);
  // The run-of-show marks: the socket says when they change, the list comes over HTTP.
  const marks = createMarksStore();
  const stopMarks = screen === 'exec' ? () => {} : followMarks(live.socket, marks, (path) => apiGet(path));
  view =
    screen === 'exec' ? (
      <ExecScreen store={live.store} />
    ) : (
      <Board store={live.store} kiosk={isKiosk(window.location.search)} program={program} marks={marks} />
    );
  // The wall's screens report to the crew's console once a second (the screen fleet).
  const stopReport =
    screen === 'exec'
      ? () => {}
      : startReporter(
          live.socket,
          { live: () => live.store.getState(), programRev: () => program.getState().program?.rev ?? -1 },
          screenOfSearch(window.location.search),
        );
  close = () => {
    stopReport();
    stopMarks();
    program.close();
    live.close();
  };
}
createRoot(root).render(<StrictMode>{view}</StrictMode>);

// In dev each hot reload of this module would otherwise leave one more socket open.
import.meta.hot?.dispose(() => close());
