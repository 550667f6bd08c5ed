import { useEffect, useRef, useState } from 'react';
import type { FleetAnswer, ScreenFlag, ScreenStatus } from '../../shared/fleet.js';
import { t, type StringKey } from '../i18n/t.js';
import { directorApi } from './api.js';

/** How often the console reads the fleet: with reports once a second, a flag shows within 3 s. */
const FLEET_REFRESH_MS = 500;

/** A short two-tone chime; the browser lets a page sound only after a click, so the crew turns it on. */
class Chime {
  private ctx: AudioContext | null = null;

  /** Called from a click: the one moment a page may start its audio. */
  enable(): void {
    if (this.ctx === null && typeof AudioContext !== 'undefined') this.ctx = new AudioContext();
    void this.ctx?.resume();
  }

  disable(): void {
    void this.ctx?.close();
    this.ctx = null;
  }

  ring(): void {
    const ctx = this.ctx;
    if (ctx === null) return;
    for (const [freq, start] of [
      [880, 0],
      [660, 0.18],
    ] as const) {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.25, ctx.currentTime + start);
      gain.gain.exponentialRampToValueAtTime(0.001, ctx.currentTime + start + 0.16);
      osc.connect(gain).connect(ctx.destination);
      osc.start(ctx.currentTime + start);
      osc.stop(ctx.currentTime + start + 0.17);
    }
  }
}

/** The names flagged in `now` that were not flagged before: each one rings the alarm. */
export function newlyFlagged(before: ReadonlySet<string>, now: readonly ScreenStatus[]): string[] {
  return now.filter((s) => s.flags.length > 0 && !before.has(s.name)).map((s) => s.name);
}

function ago(ms: number | null): string {
  if (ms === null) return '–';
  return ms < 1000 ? t('unit.ms', { n: ms }) : t('fleet.ago', { s: (ms / 1000).toFixed(1) });
}

function Row({ s, majorityBuild }: { s: ScreenStatus; majorityBuild: string | null }) {
  const r = s.report;
  // As the board said it (a frame every 17 ms means "just now"), aged only once the screen fell silent.
  const silent = s.flags.includes('silent');
  const paintAgo = r.paintAgoMs === null ? null : r.paintAgoMs + (silent ? s.reportAgeMs : 0);
  return (
    <tr className={s.flags.length > 0 ? 'is-flagged' : undefined} data-screen={s.name} data-flags={s.flags.join(' ')}>
      <td>
        {s.name}
        {s.node !== '' && <small> · {s.node}</small>}
      </td>
      <td>
        {s.flags.length === 0
          ? t('fleet.ok')
          : s.flags.map((f: ScreenFlag) => (
              <span key={f} className={`fleet-flag fleet-flag-${f}`}>
                {t(`fleet.flag.${f}` as StringKey)}
              </span>
            ))}
      </td>
      <td>{r.seq}</td>
      <td>{r.fps}</td>
      <td>{ago(paintAgo)}</td>
      <td>{ago(r.dataAgeMs === null ? null : r.dataAgeMs + s.reportAgeMs)}</td>
      <td>{s.connected ? t(`link.${r.link}` as StringKey) : t('fleet.flag.disconnected')}</td>
      <td className={majorityBuild !== null && r.build !== majorityBuild ? 'fleet-odd-build' : undefined}>{r.build}</td>
      <td>
        {r.width}×{r.height}
      </td>
    </tr>
  );
}

/** The build most screens run: one that differs stands out (a screen nobody reloaded). */
function majority(screens: readonly ScreenStatus[]): string | null {
  const n = new Map<string, number>();
  for (const s of screens) n.set(s.report.build, (n.get(s.report.build) ?? 0) + 1);
  let best: string | null = null;
  for (const [b, c] of n) if (best === null || c > n.get(best)!) best = b;
  return best;
}

/**
 * The screen fleet on the console: every screen as it reports, flagged ones first and in red,
 * and a chime when a screen is newly flagged (once the crew turned the sound on).
 */
export function Screens({ token, onError }: { token: string; onError: (err: unknown) => void }) {
  const [fleet, setFleet] = useState<FleetAnswer | null>(null);
  const [sound, setSound] = useState(false);
  const [alarms, setAlarms] = useState(0);
  const chime = useRef(new Chime());
  const flagged = useRef<Set<string>>(new Set());

  useEffect(() => {
    let stopped = false;
    const read = async () => {
      try {
        const answer = await directorApi.screens(token);
        if (stopped) return;
        const fresh = newlyFlagged(flagged.current, answer.screens);
        flagged.current = new Set(answer.screens.filter((s) => s.flags.length > 0).map((s) => s.name));
        if (fresh.length > 0) {
          setAlarms((n) => n + 1);
          chime.current.ring();
        }
        setFleet(answer);
      } catch (err) {
        if (!stopped) onError(err);
      }
    };
    void read();
    const id = setInterval(() => void read(), FLEET_REFRESH_MS);
    return () => {
      stopped = true;
      clearInterval(id);
    };
  }, [token, onError]);

  useEffect(() => () => chime.current.disable(), []);

  const toggleSound = () => {
    if (sound) chime.current.disable();
    else chime.current.enable();
    setSound(!sound);
  };
  const anyFlagged = (fleet?.flagged ?? 0) > 0;
  const build = fleet ? majority(fleet.screens.filter((s) => s.connected)) : null;
  return (
    <section
      className={`director-fleet${anyFlagged ? ' is-alarm' : ''}`}
      aria-label={t('fleet.title')}
      data-testid="fleet"
      data-alarms={alarms}
    >
      <header>
        <h2>{t('fleet.title')}</h2>
        <span data-testid="fleet-summary">
          {fleet ? t('fleet.summary', { total: fleet.total, flagged: fleet.flagged }) : '…'}
        </span>
        <button type="button" onClick={toggleSound} data-testid="fleet-sound" aria-pressed={sound}>
          {sound ? t('fleet.soundOn') : t('fleet.soundOff')}
        </button>
      </header>
      {fleet && fleet.screens.length === 0 ? (
        <p>{t('fleet.none')}</p>
      ) : (
        <table>
          <thead>
            <tr>
              {(['screen', 'state', 'seq', 'fps', 'paint', 'data', 'link', 'build', 'size'] as const).map((c) => (
                <th key={c}>{t(`fleet.col.${c}` as StringKey)}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {fleet?.screens.map((s, i) => (
              <Row key={`${i}-${s.name}`} s={s} majorityBuild={build} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
