// Encoder-decoder (sequence to sequence, Sutskever et al. 2014) with teacher forcing: an encoder
// RNN reads the source, its final state (h_n, and c_n for an LSTM, every layer) becomes the
// decoder's initial state, and the decoder RNN, fed the previous target token at each step (the
// true one while training: teacher forcing), predicts the next. Two RecurrentStacks, their own
// weights, under `enc.` and `dec.`.
//
// The trainer sees one many-to-many model over T = S + U steps of x (time-major, rows of width
// inputSize): rows [0, S) are the source tokens, rows [S, T) the decoder's inputs (a start token,
// then the target shifted right); the data source builds them, and marks the first S targets
// "ignored" (-1), so the loss is the decoder's alone. `out` holds the encoder's outputs on the
// source steps (which the loss ignores) and the decoder's on the others.
//
// Backward, replayed in reverse of the recording: the output gradient splits into both stacks'
// top layers; the decoder's BPTT ends in ∂L/∂h_0 (and ∂L/∂c_0), which the bridge hands to the
// encoder as the cotangent of its final state; then the encoder's BPTT. So the gradient reaches
// the source through the one state vector between them, which is what the gradient-through-time
// view shows across the S + U steps.

import { copyOp, type StepOp } from '../gpu/dispatch';
import { createTensor, F32, type Tensor } from '../gpu/tensor';
import type { KernelContext } from '../kernels/registry';
import type { Tape } from '../train/tape';
import { DECODER_RNN, ENCODER_RNN, seq2seqParts, type Seq2SeqConfig, type StackPart } from './families/seq2seq';
import { MinRnnStack } from './minrnn';
import { RecurrentStack, type ProbeViews, type RecurrentIO, type StepThrough } from './recurrent';

/** What the wrapper needs of either stack (RecurrentStack, MinRnnStack). */
interface SequenceStack {
  readonly out: Tensor;
  readonly dOut: Tensor;
  readonly hN: Tensor;
  readonly cN?: Tensor | null;
  readonly dh0: Tensor;
  readonly dc0?: Tensor | null;
  readonly schedule: string;
  stepThrough(): StepThrough;
  probeViews(sample: number, layer: number): Promise<ProbeViews>;
  destroy(): void;
}

function buildStack(ctx: KernelContext, part: StackPart, T: number, B: number, io: RecurrentIO, tape: Tape): Promise<SequenceStack> {
  return part.min ? MinRnnStack.build(ctx, part.cfg, T, B, io, tape) : RecurrentStack.build(ctx, part.cfg, T, B, io, tape);
}

// Configuration, parameter names and initialisation: ./families/seq2seq.ts.
export { DECODER_RNN, ENCODER_RNN, initSeq2Seq, seq2seqParameterShapes, seq2seqParts, type Seq2SeqConfig } from './families/seq2seq';

export class Seq2SeqModel {
  private gradNormSumsq: Tensor | null = null;

  private constructor(
    private readonly ctx: KernelContext,
    readonly cfg: Seq2SeqConfig,
    readonly T: number,
    readonly B: number,
    readonly encoder: SequenceStack,
    readonly decoder: SequenceStack,
    readonly out: Tensor,
    readonly dOut: Tensor,
    private readonly owned: Tensor[],
    /** Hands the output gradient's target steps to the decoder (the first op of its backward). */
    private readonly toDecoder: StepOp,
  ) {}

  get outputSize(): number {
    return this.cfg.hiddenSize;
  }

  /** Records both stacks and the copies between them on the tape (see the header). The input gradient is not computed. */
  static async build(ctx: KernelContext, cfg: Seq2SeqConfig, T: number, B: number, io: RecurrentIO, tape: Tape): Promise<Seq2SeqModel> {
    const S = cfg.sourceLength;
    const U = T - S;
    if (!Number.isInteger(S) || S < 1 || U < 1) throw new Error(`encoder-decoder: ${T} steps cannot hold a source of ${S} steps and at least one target step`);
    if (io.h0 || io.c0) throw new Error('encoder-decoder: the decoder starts from the encoder; there is no carried state to give it');
    if (io.dx) throw new Error('encoder-decoder: the gradient with respect to the input is not computed');
    const { encoder: encCfg, decoder: decCfg } = seq2seqParts(cfg);
    const H = cfg.hiddenSize;
    const I = cfg.inputSize;
    const L = cfg.numLayers;
    const lstm = cfg.cell === 'lstm';
    const owned: Tensor[] = [];
    const alloc = (label: string, shape: number[]) => {
      const t = createTensor(ctx.device, label, shape);
      owned.push(t);
      return t;
    };
    const rows = (t: Tensor, width: number, from: number, count: number): Tensor => ({ ...t, offset: t.offset + from * B * width * F32, size: count * B * width });
    const xEnc = alloc('source x', [S, B, I]);
    const xDec = alloc('decoder x', [U, B, I]);
    const out = alloc('seq2seq out', [T, B, H]);
    const dOut = alloc('seq2seq d_out', [T, B, H]);
    // ∂L/∂(encoder's final state), from the decoder's ∂L/∂h_0 (and c_0).
    const dhBridge = alloc('d h_n bridge', [L, B, H]);
    const dcBridge = lstm ? alloc('d c_n bridge', [L, B, H]) : undefined;

    tape.record('source | decoder inputs', [copyOp('x → source', rows(io.x, I, 0, S), xEnc), copyOp('x → decoder inputs', rows(io.x, I, S, U), xDec)]);
    const encoder = await buildStack(ctx, encCfg, S, B, { params: io.params, grads: io.grads, prefix: `${io.prefix}${ENCODER_RNN}`, x: xEnc, dhN: dhBridge, dcN: dcBridge }, tape);
    // Filled once the decoder exists: the backward replays this entry after the decoder's and
    // before the encoder's.
    const bridgeBackward: StepOp[] = [];
    tape.record('bridge: encoder h_n → decoder h_0', [], bridgeBackward);
    const decoder = await buildStack(
      ctx,
      decCfg,
      U,
      B,
      { params: io.params, grads: io.grads, prefix: `${io.prefix}${DECODER_RNN}`, x: xDec, h0: encoder.hN, c0: encoder.cN ?? undefined },
      tape,
    );
    bridgeBackward.push(copyOp('d h_0 → encoder d h_n', decoder.dh0, dhBridge));
    if (dcBridge && decoder.dc0) bridgeBackward.push(copyOp('d c_0 → encoder d c_n', decoder.dc0, dcBridge));
    const toDecoder = copyOp('d decoder out', rows(dOut, H, S, U), decoder.dOut);
    tape.record(
      'outputs',
      [copyOp('encoder out', encoder.out, rows(out, H, 0, S)), copyOp('decoder out', decoder.out, rows(out, H, S, U))],
      [toDecoder, copyOp('d encoder out', rows(dOut, H, 0, S), encoder.dOut)],
    );
    return new Seq2SeqModel(ctx, cfg, T, B, encoder, decoder, out, dOut, owned, toDecoder);
  }

  /** How the GPU runs the recurrences (both run in the same schedule). */
  get schedule(): string {
    return this.encoder.schedule;
  }

  /** BPTT one step at a time through the decoder's top layer: the U steps the loss sees, last to first. */
  stepThrough(): StepThrough {
    const walk = this.decoder.stepThrough();
    return { ...walk, begin: [this.toDecoder, ...walk.begin] };
  }

  /**
   * The encoder's views on the source steps, then the decoder's: one time axis of S + U steps.
   * ‖∂L/∂h_t‖² likewise, the encoder's reached through the bridge.
   */
  async probeViews(sample: number, layer: number): Promise<ProbeViews> {
    const enc = await this.encoder.probeViews(sample, layer);
    const dec = await this.decoder.probeViews(sample, layer);
    const S = enc.T;
    const U = dec.T;
    if (!this.gradNormSumsq) {
      this.gradNormSumsq = createTensor(this.ctx.device, 'seq2seq grad norm by time', [S + U]);
      this.owned.push(this.gradNormSumsq);
    }
    const sumsq = this.gradNormSumsq;
    const gates: ProbeViews['gates'] = {};
    for (const [k, v] of Object.entries(enc.gates)) gates[k] = { views: [...v.views, ...dec.gates[k].views], width: v.width };
    return {
      T: S + U,
      units: enc.units,
      hidden: [...enc.hidden, ...dec.hidden],
      gates,
      gateNames: enc.gateNames,
      gradNormOps: [
        ...enc.gradNormOps,
        ...dec.gradNormOps,
        copyOp('encoder grad norms', enc.gradNormSumsq, { ...sumsq, size: S }, S),
        copyOp('decoder grad norms', dec.gradNormSumsq, { ...sumsq, offset: sumsq.offset + S * F32, size: U }, U),
      ],
      gradNormSumsq: sumsq,
    };
  }

  destroy(): void {
    this.encoder.destroy();
    this.decoder.destroy();
    for (const t of this.owned) t.buffer.destroy();
  }
}
