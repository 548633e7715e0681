import { describe, expect, it } from 'vitest';
import { Random } from '../../data/random';
import { series } from './comparison';
import { detectOverfitting, overfittingNotice, PATIENCE, WINDOW } from './overfitting';

/** Training loss falling as 1/step; validation every 10 steps, given. */
function run(val: number[]) {
  const steps = Array.from({ length: val.length * 10 }, (_, i) => i + 1);
  const train = steps.map((s) => 1 / s);
  const valSteps = val.map((_, i) => (i + 1) * 10);
  return [series(steps), series(train), series(valSteps), series(val)] as const;
}

describe('noticing overfitting', () => {
  it('says so after validation rose for PATIENCE evaluations past its best while training fell, naming the best step', () => {
    const val = [0.9, 0.7, 0.5, 0.51, 0.53, 0.52, 0.55, 0.6];
    const o = detectOverfitting(...run(val))!;
    expect(o.best).toEqual({ step: 30, loss: 0.5 });
    expect(o.since).toBe(PATIENCE);
    expect(o.latest).toBe(0.6);
    // Training loss around step 30 (steps 11..30) and over the last 20 steps (61..80).
    const meanInv = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => 1 / (a + i)).reduce((x, y) => x + y) / (b - a + 1);
    expect(o.trainThen).toBeCloseTo(meanInv(11, 30), 12);
    expect(o.trainNow).toBeCloseTo(meanInv(61, 80), 12);
    expect(overfittingNotice('LSTM 32', o)).toBe(
      `LSTM 32 is memorising its training data: validation loss has risen for 5 evaluations since its best (0.500 at step 30, now 0.600) while training loss kept falling (${o.trainThen.toPrecision(3)} → ${o.trainNow.toPrecision(3)}). The weights at step 30 generalised best: stop there, or give it more data, a smaller model or fewer steps.`,
    );
  });

  it('says nothing too early, for a dip back below the best, for noise-sized rises, or when training rose too', () => {
    expect(detectOverfitting(...run([0.9, 0.7, 0.5, 0.52, 0.55, 0.6, 0.7]))).toBeNull(); // four evaluations since the best
    expect(detectOverfitting(...run([0.9, 0.5, 0.52, 0.56, 0.49, 0.55, 0.6, 0.6, 0.6]))).toBeNull(); // a new best: only 4 since
    expect(detectOverfitting(...run([0.9, 0.7, 0.5, 0.5, 0.505, 0.505, 0.51, 0.51]))).toBeNull(); // a tie is no rise
    expect(detectOverfitting(...run([0.9, 0.7, 0.5, 0.501, 0.502, 0.505, 0.51, 0.52]))).toBeNull(); // 1.6% on average is noise
    const [steps, , valSteps, val] = run([0.9, 0.7, 0.5, 0.51, 0.53, 0.52, 0.55, 0.6]);
    expect(detectOverfitting(steps, run([0.9, 0.7, 0.5, 0.51, 0.53, 0.52, 0.55, 0.6])[1], valSteps, val)).not.toBeNull();
    const rising = series(Array.from({ length: 80 }, (_, i) => 0.1 + i / 100));
    expect(detectOverfitting(steps, rising, valSteps, val)).toBeNull();
    expect(detectOverfitting(series([]), series([]), series([]), series([]))).toBeNull();
    // Validated every step: five evaluations are five steps, too few to say the training loss fell.
    const upTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
    const valAt = (s: number) => (s <= 20 ? 1 / s : 0.05 + (s - 20) / 100);
    const everyStep = (n: number) => [series(upTo(n)), series(upTo(n).map((s) => 1 / s)), series(upTo(n)), series(upTo(n).map(valAt))] as const;
    expect(detectOverfitting(...everyStep(25))).toBeNull();
    expect(detectOverfitting(...everyStep(19 + WINDOW))).toBeNull();
    expect(detectOverfitting(...everyStep(20 + WINDOW))!.best).toEqual({ step: 20, loss: 0.05 });
    // Training flat (within 3%): no claim that it kept falling.
    expect(detectOverfitting(steps, series(Array(80).fill(0.3)), valSteps, val)).toBeNull();
    expect(detectOverfitting(...run([NaN, NaN, NaN, NaN]))).toBeNull();
  });

  it('says nothing for a model stuck at a baseline: its best validation is a low wobble, its training windows differ by noise', () => {
    // As the tanh RNN on the adding problem: training losses of single batches around 0.18 (sd 0.04),
    // validation around 0.185 (sd 0.004), one low wobble early on. Seeded, 1,500 steps, validated every 20.
    const rng = new Random(3);
    const steps = Array.from({ length: 1500 }, (_, i) => i + 1);
    // The 20 batches up to step 540 average 0.180 and the last 20 happen to average 0.171, as the
    // RNN's did: each window's noise is recentred on that mean.
    const train = steps.map(() => 0.18 + 0.04 * rng.normal());
    const recentre = (from: number, to: number, m: number) => {
      const shift = m - train.slice(from, to).reduce((x, y) => x + y, 0) / (to - from);
      for (let i = from; i < to; i++) train[i] += shift;
    };
    recentre(520, 540, 0.18);
    recentre(1480, 1500, 0.171);
    const valSteps = steps.filter((s) => s % 20 === 0);
    const val = valSteps.map((s) => (s === 540 ? 0.176 : 0.185 + 0.003 * rng.normal()));
    // What the rules before the trend and the noise tests saw: every later evaluation above the
    // best, the last five 3% above it, the last training window over 3% lower than the one at 540.
    expect(val.filter((_, i) => valSteps[i] > 540).every((v) => v > 0.176)).toBe(true);
    const meanOf = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
    expect(meanOf(val.slice(-5))).toBeGreaterThan(0.176 * 1.03);
    expect(meanOf(train.slice(-20))).toBeLessThan(meanOf(train.slice(520, 540)) * 0.97);
    expect(detectOverfitting(series(steps), series(train), series(valSteps), series(val))).toBeNull();
    for (let end = 600; end <= 1500; end += 20) {
      const k = valSteps.filter((s) => s <= end).length;
      expect(detectOverfitting(series(steps.slice(0, end)), series(train.slice(0, end)), series(valSteps.slice(0, k)), series(val.slice(0, k))), `at step ${end}`).toBeNull();
    }
    // The same noise with a real fall of the training loss and a rising validation loss is noticed.
    const falling = train.map((v, i) => v * Math.exp(-i / 300));
    const rising = val.map((v, i) => (valSteps[i] > 540 ? v + (valSteps[i] - 540) / 5000 : v));
    expect(detectOverfitting(series(steps), series(falling), series(valSteps), series(rising))?.best.step).toBe(540);
  });
});
