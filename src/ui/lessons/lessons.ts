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
      training: { ...DEFAULT_TRAINING, lr: 0.01, batch: 32, clip: 1 },
      seed: 1,
    },
    look: ['view-gradtime', 'view-loss'],
    text:
      "Gradient through time shows how much of the loss's gradient reaches each step, ‖∂L/∂hₜ‖, against how far back it lies (faded: step 1's curve). " +
      "The tanh RNN's falls by a steady factor per step back, diag(1−h²)·W_hh, whose norm starts below 1, so nothing reaches the first marker 60 steps back and its loss stays near 0.167, the score of always answering 1. " +
      "The LSTM's cell scales it only by the forget gate, started here at a bias of 1 as Keras does (PyTorch's 0 halves it every step), so its curve falls orders of magnitude less; the GRU's update gate starts near ½, in between, and holds more as it learns. " +
      'In the loss chart the GRU leaves 0.167 within a few hundred steps and the LSTM after a plateau of six hundred to a thousand, while the tanh RNN never does.',
  },
  {
    id: 'exploding',
    title: 'The exploding gradient, and clipping',
    question: 'What happens when the recurrence starts too large, and what does clipping do about it?',
    setup: {
      dataset: { id: 'adding', params: { length: 50, count: 5000 } },
      models: [slot('a', 'rnn_tanh', { hidden: 32 }), slot('b', 'rnn_tanh', { hidden: 32, recurrentScale: 3 }), slot('c', 'rnn_tanh', { hidden: 32, recurrentScale: 3, clip: 0 })],
      // Plain SGD: Adam divides each gradient by its own running size, which hides most of what clipping is for.
      training: { ...DEFAULT_TRAINING, optimizer: 'sgd', lr: 0.05, batch: 32, clip: 1 },
      seed: 1,
    },
    look: ['view-norms', 'view-gradtime', 'view-loss'],
    views: { normsModel: 'b' },
    text:
      "Three tanh RNNs trained by plain SGD: a as PyTorch starts it, b and c with W_hh started at 3×. Each step back multiplies b's and c's gradient by more than 1 wherever their units are not saturated, so in Gradient through time their curves rise going back where a's falls away. " +
      "Gradient norms per parameter (model b) shows the total norm before clipping, tens to hundreds against a few for model a, and the red clip factor, 1/‖g‖, far below 1: clipping by global norm (Pascanu et al. 2013) scales each step down to norm 1, so no single step throws the weights away. " +
      "Model c has its own Gradient clip set to off: every exploding step lands at full size, and its loss leaps to ten or twenty times the baseline again and again while b's settles near it. (With Adam, which divides each gradient by its running size, the difference mostly disappears: try it.)",
  },
  {
    id: 'copy',
    title: 'Long memory: the copy task',
    question: 'Which models can hold eight symbols through a delay of 20 steps?',
    setup: {
      dataset: { id: 'copy', params: { length: 8, delay: 20, symbols: 8, count: 4000 } },
      models: [slot('a', 'lstm', { hidden: 64, forgetBias: 1 }), slot('b', 'mamba', { hidden: 64, layers: 2 }), slot('c', 'rnn_tanh', { hidden: 64 })],
      training: { ...DEFAULT_TRAINING, seqLen: 36, lr: 0.005, batch: 32, clip: 1 },
      seed: 1,
    },
    look: ['view-predictions', 'view-loss'],
    text:
      "Predictions vs targets shows the replay: after the go signal each model must write back the eight symbols it saw before the delay (the symbols and the delay, which the loss ignores, fold into one gap, ⋯28⋯, and only the replay is scored). " +
      "Guessing scores 1/8. Mamba, whose state decays only where its input-dependent Δ lets it, learns to hold the symbols within several hundred steps; the LSTM sits at guessing for a thousand steps before its gates learn to keep them, and is still climbing after three thousand; the tanh RNN's state, multiplied by W_hh at every step, keeps little of what it saw 28 steps earlier and barely moves. " +
      "The loss chart tells the same story: a cross-entropy of ln 8 ≈ 2.08 is guessing.",
  },
  {
    id: 'teacher-forcing',
    title: 'Teacher forcing and exposure bias',
    question: 'Why does a decoder that scores well in training do worse on its own outputs?',
    setup: {
      dataset: { id: 'digits', params: { mode: 'reverse', length: 8, count: 5000 } },
      models: [slot('a', 'lstm', { hidden: 64, forgetBias: 1 }), slot('b', 'rnn_tanh', { hidden: 64 })],
      training: { ...DEFAULT_TRAINING, seqLen: 8, lr: 0.005, batch: 32, clip: 1 },
      seed: 1,
    },
    look: ['view-predictions', 'view-decode'],
    text:
      "Each model reads eight digits, then writes them reversed, as an encoder–decoder: the decoder starts from the encoder's final state, and in training it is given the true previous digit at every step (teacher forcing), which is what Predictions vs targets scores. " +
      "After a few hundred steps, press Decode on its own in Teacher forcing vs its own outputs: now each model reads the digit it chose itself, so one early mistake feeds the next step a wrong input it never saw in training (exposure bias), and its score falls below the teacher-forced one, most for the model whose guesses were least sure.",
  },
  {
    id: 'answers',
    title: 'One answer, or one per step',
    question: 'Why does a model learn more easily when every step has a target?',
    setup: {
      dataset: { id: 'adding', params: { length: 50, count: 5000, answer: 'end' } },
      models: [slot('a', 'rnn_tanh', { hidden: 32 }), slot('b', 'lstm', { hidden: 32, forgetBias: 1 })],
      training: { ...DEFAULT_TRAINING, lr: 0.005, batch: 32, clip: 1 },
      seed: 1,
    },
    look: ['view-gradtime', 'view-loss'],
    text:
      'Answered once at the end (many-to-one), the adding problem sends all of its gradient in at the last step, and the tanh RNN’s fades long before it reaches the marked values. ' +
      'Now set Answer to "at every step": the target at each step is the sum marked so far (many-to-many), so every step gets gradient from a target right beside it, and in Gradient through time the curves no longer fall away going back; the marked values are one step from a target instead of fifty.',
  },
  {
    id: 'bidirectional',
    title: 'Bidirectional context',
    question: 'What can a model that also reads right to left know that one reading left to right cannot?',
    setup: {
      dataset: { id: 'lookahead', params: { length: 16, ahead: 2, symbols: 4, count: 4000 } },
      models: [slot('a', 'lstm', { hidden: 32, forgetBias: 1 }), slot('b', 'lstm', { hidden: 32, forgetBias: 1, bidirectional: true })],
      training: { ...DEFAULT_TRAINING, seqLen: 16, lr: 0.01, batch: 32, clip: 1 },
      seed: 1,
    },
    look: ['view-loss', 'view-predictions'],
    text:
      'Look ahead asks, at every step, for the symbol two steps later. The left-to-right LSTM has not read it yet, so the best it can do is guess: a cross-entropy of ln 4 ≈ 1.39 and one answer in four right, however long it trains. ' +
      'The bidirectional LSTM runs a second pass from the end of the string back to its start and joins both passes at each step, so at step t it has read step t+2, and its loss falls towards 0. ' +
      'The price: every output of a bidirectional model has seen the steps after it, so it cannot forecast or generate (the Forecast view refuses it); it suits tagging and filling in, where the whole sequence is there.',
  },
  {
    id: 'h0',
    title: 'Where the state starts',
    question: 'What does learning the initial state h0 buy over starting from zeros?',
    setup: {
      dataset: { id: 'settling', params: { length: 6, start: 3, decay: 0.8, count: 4000 } },
      models: [slot('a', 'rnn_tanh', { hidden: 16 }), slot('b', 'rnn_tanh', { hidden: 16, initialState: 'learned' })],
      training: { ...DEFAULT_TRAINING, seqLen: 6, lr: 0.01, batch: 16, clip: 1 },
      seed: 1,
    },
    look: ['view-loss', 'view-predictions'],
    text:
      'Every sequence of Settling starts from the level 3, and no input says so: each step the level keeps 0.8 of itself and takes a random push. ' +
      "Model a starts its state at zero, so in its first step it must make 2.4 out of its biases alone while it reads the push; model b learns h0, one vector per layer shared by every sequence, and can simply start there. " +
      "b's validation loss starts lower and stays ahead for the first few dozen steps (on a small training set, several times lower); within about a hundred steps a has learned to build the start from its biases and the curves meet: a learned h0 buys an easier start, not a better end, and matters most when sequences are short and training is brief.",
  },
  {
    id: 'text',
    title: 'Character by character',
    question: 'What does a model learn first when it reads a novel one character at a time?',
    setup: {
      dataset: { id: 'austen', params: {} },
      models: [slot('a', 'lstm', { hidden: 128, forgetBias: 1 }), slot('b', 'gru', { hidden: 128 })],
      training: { ...DEFAULT_TRAINING, seqLen: 100, lr: 0.005, batch: 32, clip: 1 },
      seed: 1,
    },
    look: ['view-loss', 'view-text'],
    text:
      'Each step reads one character (one of 72, one-hot) and predicts the next, so the loss starts at ln 72 ≈ 4.28, a guess among all of them. ' +
      'It falls fast to about 3.1, the entropy of the letters on their own: the model has learned which are common. Below that it is learning spelling, words and punctuation, one character of context at a time. ' +
      'Press Sample now and then: first letters in English proportions, then word shapes and spaces, then words; a lower temperature writes the likeliest characters, a higher one takes more chances.',
  },
  {
    id: 'forecasting',
    title: 'Forecasting, judged',
    question: 'Is a forecast any good? Against what?',
    setup: {
      dataset: { id: 'sine-mix', params: { length: 3000, components: 3, noise: 0.1, channels: 1 } },
      models: [slot('a', 'lstm', { hidden: 32, forgetBias: 1 }), slot('b', 'gru', { hidden: 32 })],
      training: { ...DEFAULT_TRAINING, seqLen: 32, lr: 0.01, batch: 32, clip: 1 },
      seed: 1,
    },
    look: ['view-forecast', 'view-comparison'],
    text:
      'Train for a minute, then press Backtest in Forecast: each model reads the 32 rows before the last N, rows it never trained on, then runs on alone, each prediction fed back in as its next input, so its errors compound; the truth is drawn beside it. ' +
      'Its MAE and RMSE are in the data’s units, beside those of repeating the last value, the naive forecast any model must beat; the noise (0.1) sets a floor of about 0.08 one step ahead, and a free-running forecast drifts above it the further it runs. The comparison table marks the model with the lowest backtest MAE.',
  },
  {
    id: 'scan',
    title: 'A loop or a scan: LSTM, minLSTM and Mamba',
    question: 'What does dropping h from the gates buy, and what does it cost?',
    setup: {
      dataset: { id: 'adding', params: { length: 100, count: 5000 } },
      models: [slot('a', 'lstm', { hidden: 32, forgetBias: 1 }), slot('b', 'minlstm', { hidden: 32 }), slot('c', 'mamba', { hidden: 32 })],
      training: { ...DEFAULT_TRAINING, lr: 0.005, batch: 32, clip: 1 },
      seed: 1,
    },
    look: ['view-comparison', 'view-loss', 'view-scan'],
    text:
      "The LSTM's gates read h_{t−1}, so step t cannot start before step t−1 ends: its T steps run one after another. minLSTM (Feng et al. 2024) computes its gates from x_t alone, so h_t = f_t·h_{t−1} + i_t·h̃_t is a linear recurrence that the parallel scan covers in about log₂T levels, as Mamba's selective state does (The parallel scan shows the schedule; each model card says how the GPU runs it). " +
      "The comparison table gives each model's ms per step: set the adding problem's Sequence length to 400, then 1,600, and on a GPU the LSTM's time grows with T while the scans' grows far less (on a CPU adapter both are bound by the same arithmetic). " +
      "What it costs: with no W_hh a minLSTM layer cannot mix its units through time (the table shows how few parameters it has) and leans on stacked layers instead; the loss chart shows which of the three first gets under 0.167, the score of always answering 1.",
  },
];

export function lessonById(id: string | null | undefined): Lesson | undefined {
  return LESSONS.find((l) => l.id === id);
}
