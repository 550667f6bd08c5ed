import { cnyToUsdFen, formatCount, formatPerSec } from '../format/number.js';
import type { LiveStore } from '../live/store.js';
import { useLive } from '../live/useLive.js';
import { PanelBoundary } from './PanelBoundary.js';
import { ConnectionMark } from './panels/ConnectionMark.js';
import { HeroGmv } from './panels/HeroGmv.js';
import { ShowHeader } from './panels/ShowHeader.js';
import { Stat } from './panels/Stat.js';

/** The first screen. Panels get plain values so each memoised one re-renders only when its own figure moves. */
export function Board({ store }: { store: LiveStore }) {
  const live = useLive(store);
  const { show, figures, gmvFen } = live;
  const usdFen = gmvFen === null ? null : cnyToUsdFen(gmvFen, show?.usdRate ?? null);
  const orders = figures?.gross.orders ?? null;
  const rate = figures?.rate ?? null;
  const elapsedMs = show !== null && figures !== null ? figures.asOfMs - show.startMs : null;

  return (
    <main className="board">
      <header className="board-head">
        <PanelBoundary name="show">
          <ShowHeader
            name={show?.name ?? null}
            elapsedMs={elapsedMs}
            durationMs={show === null ? null : show.endMs - show.startMs}
          />
        </PanelBoundary>
        <PanelBoundary name="connection">
          <ConnectionMark live={live} />
        </PanelBoundary>
      </header>
      <PanelBoundary name="hero">
        <HeroGmv gmvFen={gmvFen} usdFen={usdFen} />
      </PanelBoundary>
      <div className="stats">
        <PanelBoundary name="orders">
          <Stat
            label="Orders"
            testId="orders-total"
            value={orders === null ? null : formatCount(orders)}
            exact={orders === null ? null : String(orders)}
          />
        </PanelBoundary>
        <PanelBoundary name="rate">
          <Stat
            label="Orders / s"
            testId="orders-per-sec"
            value={rate === null ? null : formatPerSec(rate.ordersPerSec)}
            exact={rate === null ? null : String(rate.ordersPerSec)}
            sub={
              rate === null || rate.peakOrdersPerSec === 0 ? undefined : `peak ${formatCount(rate.peakOrdersPerSec)}`
            }
          />
        </PanelBoundary>
      </div>
      {/* Room the series chart and breakdown panels will take. */}
      <div className="board-rest" />
    </main>
  );
}
