// For character-level models: text sampled from the model, with a temperature (low: safe and
// repetitive; high: adventurous and misspelt).

import { useState } from 'react';
import { sampleText } from '../engine';
import { useStore } from '../store';
import { useRunModels } from './runModels';
import { ViewPanel } from './ViewPanel';

export function TextSampleView() {
  // Character-level data only: notes and other multi-character tokens do not make text.
  const isText = useStore((s) => s.summary?.kind === 'tokens' && s.summary.loss === 'cross_entropy' && (s.summary.vocab?.every((v) => v.length === 1) ?? false));
  const temperature = useStore((s) => s.temperature);
  const setView = useStore((s) => s.setView);
  const samples = useStore((s) => s.textSamples);
  const models = useRunModels();
  const [prompt, setPrompt] = useState('The ');
  const [length, setLength] = useState(200);
  const [asked, setAsked] = useState('');
  if (!isText) return null;
  const ask = () => {
    setAsked(prompt);
    models.forEach((m) => sampleText(m.id, prompt, length, temperature));
  };
  return (
    <ViewPanel title="Sampled text" testId="view-text" wide>
      <div className="sample-controls">
        <label className="small">
          prompt <input type="text" value={prompt} onChange={(e) => setPrompt(e.target.value)} data-testid="sample-prompt" />
        </label>
        <label className="small">
          length <input type="number" className="tiny" min={1} max={2000} value={length} onChange={(e) => setLength(Math.max(1, Math.min(2000, Number(e.target.value) || 1)))} />
        </label>
        <label className="small">
          temperature {temperature.toFixed(2)}
          <input type="range" min={0.1} max={2} step={0.05} value={temperature} data-testid="temperature" onChange={(e) => setView({ temperature: Number(e.target.value) })} />
        </label>
        <button type="button" onClick={ask} disabled={models.length === 0} data-testid="sample-button">
          Sample
        </button>
      </div>
      {models.map((m) => (
        <div key={m.id} className="text-sample">
          <p className="small-title" style={{ color: m.color }}>{m.label}</p>
          <pre data-testid={`text-sample-${m.id}`}>
            {samples[m.id] === undefined ? (
              <span className="muted">Press Sample to let the model write.</span>
            ) : (
              <>
                <span className="prompt">{asked}</span>
                {samples[m.id]}
              </>
            )}
          </pre>
        </div>
      ))}
    </ViewPanel>
  );
}
