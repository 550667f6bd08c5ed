import { useMemo } from 'react';
import { cnyToUsdFen } from '../format/number.js';
import { cardCrossedAtMs } from './milestones/card.js';
import { NO_PROGRAM, shownState, useProgram, type ProgramStore } from '../live/program.js';
import { useMarks, type MarksStore } from '../live/marks.js';
import type { LiveStore } from '../live/store.js';
import { useLive } from '../live/useLive.js';
import { MilestoneBanner } from './milestones/MilestoneBanner.js';
import { Milestones } from './milestones/Milestones.js';
import { PanelBoundary } from './PanelBoundary.js';
import { dimensionProps, type Dimension } from './dimensions.js';
import { ChannelShares } from '../charts/channels/ChannelShare.js';
import { Ranking } from '../charts/ranking/Ranking.js';
import { ConnectionMark } from './panels/ConnectionMark.js';
import { CurvePanel } from './panels/CurvePanel.js';
import { HeroGmv } from './panels/HeroGmv.js';
import { Kpis } from './panels/Kpis.js';
import { MapPanel } from './panels/MapPanel.js';
import { Countdown, MilestoneCard } from './panels/Scenes.js';
import { ShowHeader } from './panels/ShowHeader.js';

/** Rows per ranking: as many as stay legible across a hall in the ranking row's height. */
const RANK_ROWS = 5;
/** Rows per ranking on the rankings scene, where they have the whole screen. */
const SCENE_RANK_ROWS = 10;
/** The ranking row, left to right: each dimension with the name its panel reports errors under. */
const RANKED: readonly (readonly [Dimension, string])[] = [
  ['country', 'countries'],
  ['category', 'categories'],
  ['merchant', 'merchants'],
];

/**
 * The on-air scene. Panels get plain values or the references the live state
 * keeps between messages, so each memoised one re-renders only when its own data
 * moves. Every panel keeps its last data while the link is down (safe mode).
 * `replay`: the store is fed by a replay, and the board must never read as live.
 * `program`: the director's scene and hold (docs/director.md); while held the figures are the
 * held ones and the live state goes on underneath (the connection mark still shows the link).
 */
export function Board({
  store,
  kiosk = false,
  replay = false,
  program = NO_PROGRAM,
  marks = null,
}: {
  store: LiveStore;
  kiosk?: boolean;
  replay?: boolean;
  program?: ProgramStore;
  /** The show's run-of-show marks, drawn on the curve (docs/director.md); null: none. */
  marks?: MarksStore | null;
}) {
  const link = useLive(store);
  const wall = useProgram(program);
  const live = shownState(link, wall);
  const scene = wall.program?.scene ?? null;
  const kind = scene?.kind ?? 'board';
  const { show, figures, gmvFen } = live;
  const usdFen = gmvFen === null ? null : cnyToUsdFen(gmvFen, show?.usdRate ?? null);
  const elapsedMs = show !== null && figures !== null ? figures.asOfMs - show.startMs : null;
  const elapsedSec = elapsedMs === null ? null : Math.floor(elapsedMs / 1000);
  const showTimes = useMemo(() => (show === null ? null : { startMs: show.startMs, timeZone: show.timeZone }), [show]);
  const b = figures?.breakdowns ?? null;
  const lastYear = live.lastYear;
  const startsInSec = elapsedMs !== null && elapsedMs < 0 ? Math.ceil(-elapsedMs / 1000) : null;
  const markList = useMarks(marks);
  const curveMarks = useMemo(
    () =>
      markList === null || show === null || markList.show !== show.id
        ? null
        : { list: markList.marks, startMs: show.startMs },
    [markList, show],
  );

  return (
    <main
      className={`board${kiosk ? ' kiosk' : ''}${replay ? ' board-replay' : ''}${kind === 'board' ? '' : ` board-scene scene-${kind}`}`}
      data-testid="board"
      data-scene={kind}
      data-held={wall.program?.held ? 'true' : undefined}
    >
      <header className="board-head">
        <PanelBoundary name="show">
          <ShowHeader
            name={show?.name ?? null}
            elapsedMs={elapsedMs}
            durationMs={show === null ? null : show.endMs - show.startMs}
          />
        </PanelBoundary>
        <PanelBoundary name="connection">
          <ConnectionMark live={link} kiosk={kiosk} replay={replay} />
        </PanelBoundary>
      </header>
      {kind === 'hero' && (
        <div className="area-scene">
          <PanelBoundary name="hero">
            <HeroGmv gmvFen={gmvFen} usdFen={usdFen} startsInSec={startsInSec} />
          </PanelBoundary>
        </div>
      )}
      {kind === 'map' && (
        <div className="area-scene">
          <PanelBoundary name="map">
            <MapPanel
              countries={b?.country ?? null}
              arcs={live.arcs}
              ordersPerArc={live.ordersPerArc}
              mode={scene?.map}
            />
          </PanelBoundary>
        </div>
      )}
      {kind === 'rankings' && (
        <div className="area-scene area-ranks">
          {RANKED.map(([dimension, panel]) => (
            <PanelBoundary key={dimension} name={panel}>
              <Ranking {...dimensionProps(dimension, b, SCENE_RANK_ROWS, 'rank')} />
            </PanelBoundary>
          ))}
        </div>
      )}
      {kind === 'milestone' && scene !== null && (
        <div className="area-scene">
          <PanelBoundary name="milestone-card">
            <MilestoneCard
              scene={scene}
              gmvFen={gmvFen}
              timeZone={show?.timeZone ?? null}
              crossedAtMs={cardCrossedAtMs(wall.program, figures?.milestones ?? null)}
            />
          </PanelBoundary>
        </div>
      )}
      {kind === 'countdown' && (
        <div className="area-scene">
          <PanelBoundary name="countdown">
            <Countdown elapsedMs={elapsedMs} />
          </PanelBoundary>
        </div>
      )}
      {kind === 'board' && (
        <>
          <div className="area-hero">
            <PanelBoundary name="hero">
              <HeroGmv gmvFen={gmvFen} usdFen={usdFen} startsInSec={startsInSec} />
            </PanelBoundary>
          </div>
          <div className="area-miles">
            <PanelBoundary name="milestones">
              <Milestones milestones={figures?.milestones ?? null} show={showTimes} />
            </PanelBoundary>
          </div>
          <div className="area-kpis">
            <PanelBoundary name="kpis">
              <Kpis
                orders={figures?.gross.orders ?? null}
                rate={figures?.rate ?? null}
                pace={figures?.pace ?? null}
                hasLastYear={lastYear !== null || show?.compareTo != null}
              />
            </PanelBoundary>
          </div>
          <div className="area-curve">
            <PanelBoundary name="curve">
              <CurvePanel
                series={live.series}
                lastYearMinuteFen={lastYear?.minuteFen ?? null}
                lastYearName={lastYear?.name ?? null}
                elapsedSec={elapsedSec}
                marks={curveMarks}
                rate={figures?.rate ?? null}
                durationSec={show === null ? null : Math.ceil((show.endMs - show.startMs) / 1000)}
              />
            </PanelBoundary>
          </div>
          <div className="area-map">
            <PanelBoundary name="map">
              <MapPanel
                countries={b?.country ?? null}
                arcs={live.arcs}
                ordersPerArc={live.ordersPerArc}
                mode={scene?.map}
              />
            </PanelBoundary>
          </div>
          <div className="area-ranks">
            {RANKED.map(([dimension, panel]) => (
              <PanelBoundary key={dimension} name={panel}>
                <Ranking {...dimensionProps(dimension, b, RANK_ROWS, 'rank')} />
              </PanelBoundary>
            ))}
          </div>
          <div className="area-share">
            <PanelBoundary name="channels">
              <ChannelShares rows={b?.channel ?? null} />
            </PanelBoundary>
          </div>
        </>
      )}
      <PanelBoundary name="banner">
        <MilestoneBanner
          milestones={figures?.milestones ?? null}
          show={showTimes}
          asOfMs={figures?.asOfMs ?? null}
          epoch={replay ? live.streamEpoch : 0}
        />
      </PanelBoundary>
    </main>
  );
}
