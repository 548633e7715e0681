// The lessons: short guided runs, each a complete setup (data, models, training settings, seed)
// and the views to look at, with a few sentences on what to see there and why it happens. Plain
// data: a lesson loads as the URL hash `#lesson=<id>` would (./lessonHash.ts), so a lesson and a
// link to it give the same run. Sizes are chosen to show the effect within a minute or two on a
// laptop's GPU; the browser tests run them smaller.

import type { ModelSlot, TrainingSettings } from '../../worker/protocol';
import { DEFAULT_TRAINING, defaultSlot } from '../state/defaults';
import type { ParamValues } from '../data/catalog';
import type { ViewSlice } from '../state/viewSlice';

/** The view settings a lesson may set (which model the per-model views show, which map). */
export type LessonViews = Partial<Pick<ViewSlice, 'heatmapModel' | 'heatmapMap' | 'normsModel' | 'logLoss'>>;

export interface Lesson {
  id: string;
  title: string;
  /** One line for the list: the question the lesson answers. */
  question: string;
  setup: {
    dataset: { id: string; params: ParamValues };
    models: ModelSlot[];
    training: TrainingSettings;
    seed: number;
  };
  /** The views to look at (their test ids, e.g. 'view-gradtime'), highlighted while the lesson is open. */
  look: string[];
  views?: LessonViews;
  /** Two or three sentences: what to look at, and why it happens. */
  text: string;
}

const slot = (id: 'a' | 'b' | 'c', kind: ModelSlot['kind'], patch: Partial<ModelSlot> = {}): ModelSlot => ({ ...defaultSlot(id, kind), ...patch });

export const LESSONS: readonly Lesson[] = [
  {
    id: 'vanishing',
    title: 'The vanishing gradient',
    question: 'Why can a tanh RNN not learn the adding problem when an LSTM or a GRU can?',
    setup: {
      dataset: { id: 'adding', params: { length: 60, count: 5000 } },
      models: [slot('a', 'rnn_tanh', { hidden: 32 }), slot('b', 'lstm', { hidden: 32, forgetBias: 1 }), slot('c', 'gru', { hidden: 32 })],
      training: { ...DEFAULT_TRAINING, lr: 0.005, batch: 32, clip: 1 },
      seed: 1,
    },
    look: ['view-gradtime', 'view-loss'],
    text:
      "Gradient through time shows how much of the loss's gradient reaches each step, ‖∂L/∂hₜ‖, against how far back it lies (faded: step 1's curve). " +
      "The tanh RNN's falls by a steady factor per step back, diag(1−h²)·W_hh, whose norm starts below 1, so nothing reaches the first marker 60 steps back and its loss stays near 0.167, the score of always answering 1. " +
      "The LSTM's cell scales it only by the forget gate, started here at a bias of 1 as Keras does (PyTorch's 0 halves it every step), so its curve falls orders of magnitude less; the GRU's update gate starts near ½, in between, and holds more as it learns.",
  },
];

export function lessonById(id: string | null | undefined): Lesson | undefined {
  return LESSONS.find((l) => l.id === id);
}
