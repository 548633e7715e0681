// Melodies (the built-in songbooks or a MIDI upload): the data as a piano roll, a MIDI file's
// tracks to choose from, and for every model a continuation of a primer (the start of the
// validation data, or bars the person picks) generated in the worker with progress and Stop,
// drawn after the primer, played on a small synth (nothing sounds without a click) and
// downloaded as a MIDI file.

import { useEffect, useMemo, useState } from 'react';
import { tokensInBars } from '../../data/midi/bars';
import { melodyToMidi, timedNotes, type TimedNote } from '../../data/midi/write';
import { eventsToNotes } from '../../data/midi/events';
import { cancelGeneration, chooseMidi, generate } from '../engine';
import { saveDownload } from '../model/weightsFile';
import { useStore } from '../store';
import { useRunModels } from '../views/runModels';
import { ViewPanel } from '../views/ViewPanel';
import { PianoRoll } from './PianoRoll';
import { onPlayback, play, stop, currentPlayback } from './synth';

const DATA_BEATS = 64;
const PRIMER_COLOR = '#8a93a6';

export function MusicView() {
  const music = useStore((s) => (s.summary?.kind === 'tokens' ? s.summary.music : undefined));
  const temperature = useStore((s) => s.temperature);
  const setView = useStore((s) => s.setView);
  const generations = useStore((s) => s.generations);
  const models = useRunModels();
  const [primerTokens, setPrimerTokens] = useState(16);
  const [primerFrom, setPrimerFrom] = useState<'validation' | 'bars'>('validation');
  const [bars, setBars] = useState<[number, number]>([1, 4]);
  const [length, setLength] = useState(64);
  const [bpm, setBpm] = useState<number | null>(null);
  const [, setPlaying] = useState(0);
  useEffect(() => onPlayback(() => setPlaying((n) => n + 1)), []);
  useEffect(() => () => stop(), []);
  const vocab = useStore((s) => s.summary?.vocab);
  // Tokens to notes: pitch:length tokens through their notes, events through their vocabulary.
  const toTimed = (ids: ArrayLike<number>, offset = 0) =>
    music?.encoding === 'events' ? eventsToNotes(Array.from(ids, (i) => vocab?.[i] ?? ''), music.stepsPerBeat, offset) : timedNotes(ids, music?.notes ?? [], offset);
  const data = useMemo(() => (music ? toTimed(music.ids.subarray(0, 2000)).notes.filter((n) => n.start < DATA_BEATS) : []), [music, vocab]);
  if (!music) return null;
  const events = music.encoding === 'events';
  const tempo = bpm ?? Math.round(music.midi?.bpm ?? 100);
  const [num, den] = music.midi?.timeSignature ?? [4, 4];
  const beatsPerBar = (num * 4) / den;
  const busy = models.some((m) => generations[m.id]?.busy);
  const playing = currentPlayback()?.tag ?? null;
  const toggle = (tag: string, notes: readonly TimedNote[]) => (playing === tag ? stop() : void play(tag, notes, tempo));
  const byBars = primerFrom === 'bars' && !events;
  const barIds = byBars ? tokensInBars(music.ids, music.notes, beatsPerBar, bars[0], bars[1]) : [];
  const primer = byBars ? ({ kind: 'ids', ids: barIds } as const) : ({ kind: 'validation', tokens: primerTokens } as const);
  const ask = () => models.forEach((m) => generate(m.id, primer, length, temperature));
  const bar = (v: string) => Math.max(1, Math.min(999, Math.floor(Number(v)) || 1));

  return (
    <ViewPanel title="Melodies" testId="view-music" wide>
      {music.midi && (
        <label className="small">
          read{' '}
          <select value={music.midi.encoding} onChange={(e) => chooseMidi({ encoding: e.target.value as 'melody' | 'events' })} data-testid="midi-encoding">
            <option value="melody">the melody (highest note), as pitch:length notes</option>
            <option value="events">every note (chords too), as note-on/off and wait events</option>
          </select>
        </label>
      )}
      {music.midi && music.midi.tracks.length > 1 && (
        <label className="small">
          {' '}from{' '}
          <select value={music.midi.track} onChange={(e) => chooseMidi({ track: Number(e.target.value) })} data-testid="midi-track">
            {music.midi.tracks.map((t) => (
              <option key={t.index} value={t.index} disabled={t.notes === 0}>
                {t.name} · channel {t.channel} · {t.instrument} · {t.notes} notes{t.drum ? ' (drums)' : ''}
              </option>
            ))}
          </select>
        </label>
      )}
      <div className="sample-controls">
        <label className="small">
          tempo <input type="number" className="tiny" min={30} max={300} value={tempo} onChange={(e) => setBpm(Math.max(30, Math.min(300, Number(e.target.value) || 100)))} data-testid="music-tempo" /> bpm
        </label>
        <button type="button" onClick={() => toggle('data', data)} data-testid="play-data">
          {playing === 'data' ? 'Stop' : 'Play the data'}
        </button>
      </div>
      <p className="small-title">The data: its first {DATA_BEATS} beats ({music.length} notes in all)</p>
      <PianoRoll layers={[{ notes: data, color: '#5fa8d3', label: 'data' }]} tag="data" beatsPerBar={beatsPerBar} testId="roll-data" />

      <div className="sample-controls">
        <label className="small">
          primer{' '}
          <select value={byBars ? 'bars' : 'validation'} onChange={(e) => setPrimerFrom(e.target.value as 'validation' | 'bars')} data-testid="primer-from">
            <option value="validation">the validation data's first</option>
            {!events && <option value="bars">bars of the data</option>}
          </select>
        </label>
        {!byBars ? (
          <label className="small">
            <input type="number" className="tiny" min={1} max={256} value={primerTokens} onChange={(e) => setPrimerTokens(Math.max(1, Math.min(256, Number(e.target.value) || 1)))} data-testid="primer-tokens" /> {events ? 'events' : 'notes'}
          </label>
        ) : (
          <label className="small">
            <input type="number" className="tiny" min={1} value={bars[0]} onChange={(e) => setBars([bar(e.target.value), Math.max(bars[1], bar(e.target.value))])} data-testid="primer-bar-from" /> to{' '}
            <input type="number" className="tiny" min={1} value={bars[1]} onChange={(e) => setBars([Math.min(bars[0], bar(e.target.value)), bar(e.target.value)])} data-testid="primer-bar-to" /> ({barIds.length} notes)
          </label>
        )}
        <label className="small">
          continue for <input type="number" className="tiny" min={1} max={1000} value={length} onChange={(e) => setLength(Math.max(1, Math.min(1000, Number(e.target.value) || 1)))} data-testid="generate-length" /> notes
        </label>
        <label className="small">
          temperature {temperature.toFixed(2)}
          <input type="range" min={0.1} max={2} step={0.05} value={temperature} onChange={(e) => setView({ temperature: Number(e.target.value) })} />
        </label>
        {busy ? (
          <button type="button" onClick={cancelGeneration} data-testid="generate-stop">
            Stop
          </button>
        ) : (
          <button type="button" onClick={ask} disabled={models.length === 0 || (byBars && barIds.length === 0)} data-testid="generate-button">
            Generate
          </button>
        )}
      </div>
      {models.map((m) => {
        const g = generations[m.id];
        if (!g) return null;
        const lead = toTimed(g.primer);
        const cont = toTimed(g.ids, lead.end).notes;
        const all = [...lead.notes, ...cont];
        const tag = `model-${m.id}`;
        const download = () => saveDownload(new Blob([melodyToMidi(all, tempo, `${m.label} continuation`) as BlobPart], { type: 'audio/midi' }), `timestep-${m.id}-continuation.mid`);
        return (
          <div key={m.id} className="music-model">
            <p className="small-title" style={{ color: m.color }}>
              {m.label}
              {g.busy ? (
                <span className="muted" data-testid={`generate-progress-${m.id}`}> · writing {g.made} of {g.total}</span>
              ) : (
                <span className="muted" data-testid={`generate-done-${m.id}`}>
                  {' '}· step {g.step}: {g.primer.length} primer {events ? 'events' : 'notes'} (grey), {g.ids.length} generated{g.cancelled ? ' (stopped)' : ''}
                </span>
              )}
            </p>
            <PianoRoll layers={[{ notes: lead.notes, color: PRIMER_COLOR, label: 'primer' }, { notes: cont, color: m.color, label: 'continuation' }]} tag={tag} beatsPerBar={beatsPerBar} testId={`roll-${m.id}`} />
            {!g.busy && (
              <div className="sample-controls">
                <button type="button" onClick={() => toggle(tag, all)} data-testid={`play-${m.id}`}>
                  {playing === tag ? 'Stop' : 'Play primer + continuation'}
                </button>
                <button type="button" onClick={download} disabled={cont.length === 0} data-testid={`download-midi-${m.id}`}>
                  Download MIDI
                </button>
              </div>
            )}
          </div>
        );
      })}
    </ViewPanel>
  );
}
