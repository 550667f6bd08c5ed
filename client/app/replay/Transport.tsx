import { useState } from 'react';
import type { FormEvent } from 'react';
import type { FenReplayStatus } from '../../live/decode.js';
import { parseGoTo } from '../../format/zoned.js';
import { SPEED_PRESETS } from './keys.js';
import { t, type StringKey } from '../../i18n/t.js';

interface Props {
  status: FenReplayStatus;
  timeZone: string;
  onToggle(): void;
  onStep(seconds: number): void;
  onSpeed(speed: number): void;
  onSeek(atMs: number): void;
}

const STEPS: readonly [number, StringKey, string][] = [
  [-60, 'replay.stepBackMin', 'step-back-min'],
  [-1, 'replay.stepBackSec', 'step-back-sec'],
  [1, 'replay.stepFwdSec', 'step-fwd-sec'],
  [60, 'replay.stepFwdMin', 'step-fwd-min'],
];

/** Play/pause, steps, speed presets and the "go to" field (show-local time). */
export function Transport({ status, timeZone, onToggle, onStep, onSpeed, onSeek }: Props) {
  const [goTo, setGoTo] = useState('');
  const [error, setError] = useState<string | null>(null);

  function submit(ev: FormEvent): void {
    ev.preventDefault();
    const at = parseGoTo(goTo, { fromMs: status.fromMs, toMs: status.toMs, timeZone });
    if (!at.ok) return setError(at.message);
    setError(null);
    onSeek(at.ms);
  }

  return (
    <div className="transport" data-testid="transport">
      <button
        type="button"
        className="transport-play"
        data-testid="play-pause"
        data-playing={status.playing}
        onClick={onToggle}
        aria-label={status.playing ? t('replay.pause') : t('replay.play')}
      >
        {status.playing ? '❚❚' : '▶'}
      </button>
      {STEPS.map(([s, label, id]) => (
        <button key={id} type="button" data-testid={id} onClick={() => onStep(s)}>
          {t(label)}
        </button>
      ))}
      <span className="transport-speeds" role="group" aria-label={t('replay.speed')}>
        {SPEED_PRESETS.map((s) => (
          <button
            key={s}
            type="button"
            data-testid={`speed-${s}`}
            aria-pressed={status.speed === s}
            className={status.speed === s ? 'active' : undefined}
            onClick={() => onSpeed(s)}
          >
            {s}×
          </button>
        ))}
      </span>
      <form className="transport-goto" onSubmit={submit}>
        <label>
          {t('replay.goTo')}{' '}
          <input
            data-testid="goto-input"
            value={goTo}
            placeholder="00:38:28"
            size={9}
            onChange={(e) => setGoTo(e.target.value)}
            aria-invalid={error !== null}
          />
        </label>
        <button type="submit" data-testid="goto-submit">
          {t('replay.go')}
        </button>
        {error !== null && (
          <span className="replay-error" role="alert">
            {error}
          </span>
        )}
      </form>
    </div>
  );
}
