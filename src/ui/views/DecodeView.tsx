// Teacher forcing against decoding on the model's own outputs. While training, the decoder reads
// the true previous target token (teacher forcing); used for real, it reads the token it chose
// itself, so one mistake can lead to more (exposure bias). The worker decodes the validation
// batch both ways; this view shows both scores and the first sequences, right tokens green.
// Shown for sequence-to-sequence tasks.

import { requestDecode } from '../engine';
import { useStore } from '../store';
import { telemetry } from '../telemetry';
import { useTelemetryVersion } from '../telemetry/useTelemetry';
import { useRunModels } from './runModels';
import { show } from './TokenPredictions';
import { ViewPanel } from './ViewPanel';

const percent = (v: number) => `${Math.round(100 * v)}%`;

function Tokens({ label, ids, target, vocab }: { label: string; ids: Int32Array; target?: Int32Array; vocab: string[] }) {
  return (
    <div className="token-row">
      <span className="token-label">{label}</span>
      {Array.from(ids, (id, k) => {
        const ignored = target !== undefined && target[k] < 0;
        const cls = target === undefined || ignored ? 'token' : `token${id === target[k] ? ' right' : ' wrong'}`;
        return (
          <span key={k} className={cls}>
            {ignored ? '·' : show(vocab, id)}
          </span>
        );
      })}
    </div>
  );
}

export function DecodeView() {
  useTelemetryVersion(100);
  const models = useRunModels();
  const seq2seq = useStore((s) => s.summary?.task === 'seq2seq');
  const vocab = useStore((s) => s.summary?.vocab);
  if (!seq2seq || !vocab || models.length === 0) return null;
  const decoded = models.flatMap((model) => {
    const d = telemetry.models.get(model.id)?.decoded;
    return d ? [{ model, d }] : [];
  });
  const button = (
    <button type="button" data-testid="decode" onClick={requestDecode}>
      Decode on its own
    </button>
  );
  return (
    <ViewPanel
      title="Teacher forcing vs its own outputs"
      testId="view-decode"
      actions={button}
      wide
      empty={decoded.length ? null : 'Training feeds the decoder the true previous token (teacher forcing). Decoding for real, it reads its own last choice. Decodes the validation batch both ways (pauses training).'}
    >
      <div className="token-predictions" data-testid="decode-results">
        {decoded.map(({ model, d }) => {
          const { samples, targetLength: U, scores } = d;
          return (
            <div key={model.id} className="decode-model">
              <p className="small" data-testid="decode-scores">
                <span style={{ color: model.color }}>{model.label}</span> at step {d.step}: teacher-forced {percent(scores.forcedTokens)} of tokens,{' '}
                {percent(scores.forcedSequences)} of sequences right; on its own {percent(scores.freeTokens)} of tokens, {percent(scores.freeSequences)} of sequences.
              </p>
              <div className="decode-samples">
                {Array.from({ length: samples }, (_, b) => {
                  const slice = (a: Int32Array) => a.subarray(b * U, (b + 1) * U);
                  const target = slice(d.target);
                  return (
                    <div key={b} className="token-block">
                      <Tokens label="target" ids={target} vocab={vocab} />
                      <Tokens label="teacher-forced" ids={slice(d.forced)} target={target} vocab={vocab} />
                      <Tokens label="on its own" ids={slice(d.free)} target={target} vocab={vocab} />
                    </div>
                  );
                })}
              </div>
            </div>
          );
        })}
      </div>
    </ViewPanel>
  );
}
