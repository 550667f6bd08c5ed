import { useState } from 'react';
import type { Cue as ArmedCue, CueMode, DirectorState } from '../../shared/director.js';
import { t } from '../i18n/t.js';
import { directorApi } from './api.js';
import { milestoneAmount } from './amount.js';
import './cue.css';

/** "16:00:20.300": a crossing's event time as the console shows its times (UTC, to the ms). */
function utcTime(ms: number): string {
  return new Date(ms).toISOString().slice(11, 23);
}

function cueText(cue: ArmedCue): string {
  if (cue.state === 'armed') {
    const mode = cue.mode === 'auto' ? t('director.cueAuto') : t('director.cueManual');
    return t('director.cueArmed', { amount: `¥${cue.amount}`, mode });
  }
  const time = utcTime(cue.crossedAtMs!);
  return cue.state === 'crossed' ? t('director.cueCrossed', { time }) : t('director.cueOnAir', { time });
}

/**
 * The armed milestone cue (docs/director.md, "Armed milestone cues"): a milestone and a mode,
 * ARM and DISARM, and the cue as it stands (armed, crossed at its exact event time, on air).
 */
export function Cue({
  state,
  run,
}: {
  state: DirectorState | null;
  run: (action: (token: string) => Promise<DirectorState>) => Promise<void>;
}) {
  const [text, setText] = useState('');
  const [mode, setMode] = useState<CueMode>('auto');
  const amount = milestoneAmount(text);
  const cue = state?.cue ?? null;
  return (
    <section className="director-cue" aria-label={t('director.cue')}>
      <h2>{t('director.cue')}</h2>
      <div className="director-cue-form">
        <label>
          {t('director.milestone')}
          <input
            value={text}
            inputMode="decimal"
            placeholder="10000000000"
            onChange={(e) => setText(e.target.value)}
            data-testid="cue-amount"
          />
        </label>
        {(['auto', 'manual'] as const).map((m) => (
          <label key={m}>
            <input
              type="radio"
              name="cue-mode"
              checked={mode === m}
              onChange={() => setMode(m)}
              data-testid={`cue-mode-${m}`}
            />
            {m === 'auto' ? t('director.cueAuto') : t('director.cueManual')}
          </label>
        ))}
        <button
          type="button"
          data-testid="cue-arm"
          disabled={state === null || amount === null}
          onClick={() => void run((tk) => directorApi.arm(tk, amount!, mode))}
        >
          {t('director.arm')}
        </button>
        <button
          type="button"
          data-testid="cue-disarm"
          disabled={cue === null}
          onClick={() => void run((tk) => directorApi.disarm(tk))}
        >
          {t('director.disarm')}
        </button>
      </div>
      <div
        className={`director-cue-state${cue ? ` is-${cue.state}` : ''}`}
        data-testid="cue-state"
        data-state={cue?.state ?? 'none'}
      >
        {cue === null ? t('director.cueNone') : cueText(cue)}
      </div>
    </section>
  );
}
