package io.streamcast.model.core.cell;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * SIMD kernels on the incubating Vector API, register-blocked for a matrix–vector product of a few dozen
 * to a few hundred columns.
 *
 * <p>Layout: the hidden width is padded to a multiple of the vector length L ({@code Hp}); every gate is
 * cut into column blocks of L lanes. Weights are packed at construction in groups of blocks, row by row:
 * {@code [group][k][block in group][gate][L]}, padded columns zero. A step broadcasts the scalar input
 * {@code xh[k]} and issues one FMA per (block, gate) accumulator, all kept in registers across the k
 * loop; the packed rows of one k are contiguous, so weights stream through L1 sequentially. LSTM uses
 * groups of 2 blocks × 4 gates = 8 independent accumulators, enough to hide FMA latency on two FMA ports.
 * Every FMA is written {@code x.fma(w, acc)} with the freshly loaded weights as the multiplicand: C2 only
 * folds a load into the FMA instruction in that operand position, and the mat-vec is bound by load slots
 * as much as by FMAs.
 *
 * <p>The padded lanes compute on zero weights and are never copied back to the caller's state, so odd H
 * needs no masked loads. Results equal the scalar kernels up to float rounding (FMA and summation order,
 * and {@link VectorMath}'s few-ulp activations).
 *
 * <p>This class references {@code jdk.incubator.vector} and is only loaded by {@link Kernels} after it has
 * checked that the module is present.
 */
final class VectorCells {

    private static final VectorSpecies<Float> S = VectorMath.SPECIES;
    private static final int L = S.length();

    private VectorCells() {
    }

    static RecurrentCell create(LayerWeights weights) {
        return switch (weights.type()) {
            case RNN -> new Rnn(weights);
            case LSTM -> new Lstm(weights);
            case GRU -> new Gru(weights);
            case GRU_RESET_AFTER -> ScalarCells.create(weights); // no register-blocked variant yet
        };
    }

    /** H rounded up to a multiple of the vector length. */
    static int padded(int h) {
        return (h + L - 1) / L * L;
    }

    /**
     * Packs the selected gates' columns into {@code [group][k][block in group][gate][L]} with groups of
     * {@code groupBlocks} blocks; blocks left over after the full groups form groups of one. Rows: W's D rows if {@code input}, then
     * RW's H rows if {@code recurrent}.
     *
     * @param gateIndex the gate blocks of {@code lw} to pack, in the order the kernel wants them
     */
    static float[] pack(LayerWeights lw, int[] gateIndex, boolean input, boolean recurrent, int groupBlocks) {
        return pack(lw, gateIndex, null, input, recurrent, groupBlocks);
    }

    /**
     * As {@link #pack(LayerWeights, int[], boolean, boolean, int)}, each gate's weights multiplied by
     * {@code gateScale[gate]} (null: all 1). A power-of-two scale is exact, and so is then the scaled
     * pre-activation the kernel accumulates (barring subnormals).
     */
    static float[] pack(LayerWeights lw, int[] gateIndex, float[] gateScale, boolean input, boolean recurrent,
            int groupBlocks) {
        int d = lw.inputSize();
        int h = lw.hiddenSize();
        int cols = lw.columns();
        int g = gateIndex.length;
        int blocks = padded(h) / L;
        int rows = (input ? d : 0) + (recurrent ? h : 0);
        float[] packed = new float[rows * blocks * g * L];
        int pos = 0;
        for (int b0 = 0; b0 < blocks; ) {
            // full groups first, then the remaining blocks one by one, as the kernels walk them
            int gb = blocks - b0 >= groupBlocks ? groupBlocks : 1;
            for (int k = 0; k < rows; k++) {
                float[] src = (input && k < d) ? lw.w() : lw.rw();
                int srcRow = (input && k < d) ? k : k - (input ? d : 0);
                for (int blk = b0; blk < b0 + gb; blk++) {
                    for (int gate = 0; gate < g; gate++) {
                        int gi = gateIndex[gate];
                        float scale = gateScale == null ? 1f : gateScale[gate];
                        for (int lane = 0; lane < L; lane++) {
                            int j = blk * L + lane;
                            packed[pos++] = j < h ? scale * src[srcRow * cols + gi * h + j] : 0f;
                        }
                    }
                }
            }
            b0 += gb;
        }
        return packed;
    }

    /** Packs the selected gates' bias as {@code [block][gate][L]}, padded lanes zero. */
    static float[] packBias(LayerWeights lw, int[] gateIndex) {
        return packBias(lw, gateIndex, null);
    }

    /** As {@link #packBias(LayerWeights, int[])}, each gate's bias multiplied by {@code gateScale[gate]}. */
    static float[] packBias(LayerWeights lw, int[] gateIndex, float[] gateScale) {
        int h = lw.hiddenSize();
        int blocks = padded(h) / L;
        float[] packed = new float[blocks * gateIndex.length * L];
        int pos = 0;
        for (int blk = 0; blk < blocks; blk++) {
            for (int g = 0; g < gateIndex.length; g++) {
                int gi = gateIndex[g];
                float scale = gateScale == null ? 1f : gateScale[g];
                for (int lane = 0; lane < L; lane++) {
                    int j = blk * L + lane;
                    packed[pos++] = j < h ? scale * lw.b()[gi * h + j] : 0f;
                }
            }
        }
        return packed;
    }

    private abstract static class Base implements RecurrentCell {
        final LayerWeights weights;
        final int d;
        final int h;
        final int hp;
        final int blocks;
        /** [x, h] of this step, h copied because the state is overwritten in place. */
        final float[] xh;
        /** The new h, padded to Hp. */
        final float[] hOut;

        Base(LayerWeights weights) {
            this.weights = weights;
            this.d = weights.inputSize();
            this.h = weights.hiddenSize();
            this.hp = padded(h);
            this.blocks = hp / L;
            this.xh = new float[d + hp];
            this.hOut = new float[hp];
        }

        @Override
        public final LayerWeights weights() {
            return weights;
        }

        final void loadInput(float[] x, int xOff, float[] state, int sOff) {
            System.arraycopy(x, xOff, xh, 0, d);
            System.arraycopy(state, sOff, xh, d, h);
        }
    }

    /** h' = tanh(x·W + h·RW + b); groups of 4 blocks (4 accumulators). */
    static final class Rnn extends Base {
        private static final int[] GATES = {0};
        private static final int GROUP = 4;
        private final float[] wp;
        private final float[] bp;

        Rnn(LayerWeights weights) {
            super(weights);
            this.wp = pack(weights, GATES, true, true, GROUP);
            this.bp = packBias(weights, GATES);
        }

        @Override
        public void step(float[] x, int xOff, float[] state, int sOff) {
            loadInput(x, xOff, state, sOff);
            int blk = 0;
            int base = 0;
            int rows = d + h;
            for (; blk + GROUP <= blocks; blk += GROUP) {
                group4(base, blk * L);
                base += rows * GROUP * L;
            }
            for (; blk < blocks; blk++) {
                single(base, blk * L);
                base += rows * L;
            }
            VectorMath.tanh(hOut, hOut, 0, hp);
            System.arraycopy(hOut, 0, state, sOff, h);
        }

        private void group4(int base, int j) {
            final float[] wp = this.wp;
            final float[] xh = this.xh;
            final int rows = d + h;
            FloatVector z0 = FloatVector.fromArray(S, bp, j);
            FloatVector z1 = FloatVector.fromArray(S, bp, j + L);
            FloatVector z2 = FloatVector.fromArray(S, bp, j + 2 * L);
            FloatVector z3 = FloatVector.fromArray(S, bp, j + 3 * L);
            for (int k = 0, p = base; k < rows; k++, p += 4 * L) {
                FloatVector xk = FloatVector.broadcast(S, xh[k]);
                z0 = xk.fma(FloatVector.fromArray(S, wp, p), z0);
                z1 = xk.fma(FloatVector.fromArray(S, wp, p + L), z1);
                z2 = xk.fma(FloatVector.fromArray(S, wp, p + 2 * L), z2);
                z3 = xk.fma(FloatVector.fromArray(S, wp, p + 3 * L), z3);
            }
            z0.intoArray(hOut, j);
            z1.intoArray(hOut, j + L);
            z2.intoArray(hOut, j + 2 * L);
            z3.intoArray(hOut, j + 3 * L);
        }

        private void single(int base, int j) {
            final float[] wp = this.wp;
            final float[] xh = this.xh;
            final int rows = d + h;
            FloatVector z0 = FloatVector.fromArray(S, bp, j);
            for (int k = 0, p = base; k < rows; k++, p += L) {
                z0 = FloatVector.broadcast(S, xh[k]).fma(FloatVector.fromArray(S, wp, p), z0);
            }
            z0.intoArray(hOut, j);
        }
    }

    /**
     * DL4J LSTM (a, f, o, i) in three passes over one aligned buffer {@code [packed weights | bias | z]}.
     *
     * <p>1. The matrix–vector product: groups of 2 blocks × 4 gates (8 accumulators, started from the bias),
     * broadcasting x straight from the caller's input and h straight from the state (nothing is written before
     * this pass ends, so [x, h] need not be copied). The a columns are packed doubled (exact), so that every
     * accumulator z' is the argument its activation needs: {@code z' = 2·z_a} for tanh, {@code z} for σ. The
     * FMA takes the broadcast as receiver and the weights as multiplicand, {@code x.fma(w, acc)}, the operand
     * order that lets C2 fold the weight load into the FMA (one fused instruction instead of a load and an
     * FMA: 112 vs 188 ns for the bare H=32 product). Results go to the block-major scratch
     * {@code z = [block][a | f | o | i][L]}.
     *
     * <p>2. {@link VectorMath#expm1Neg} over all 4Hp: m = expm1(−z') for every gate, so that
     * σ = 1/(2 + m) and tanh = −m/(2 + m).
     *
     * <p>3. Per block, {@link #cells}: c' and h' from the m's with two divisions instead of five, read and
     * written as vectors directly in the state; a block that would run past H (odd H) goes through padded
     * scratch.
     *
     * <p>The buffer is an {@link AlignedFloats}, so that the weight loads do not straddle cache lines.
     */
    static final class Lstm extends Base {
        private static final int[] GATES = {0, 1, 2, 3};
        private static final float[] SCALE = {2f, 1f, 1f, 1f};
        private static final int GROUP = 2;
        /** Packed weights, then the packed bias ([block][gate][L]) at {@link #biasAt}, then z at {@link #zAt}. */
        private final AlignedFloats buf;
        private final int biasAt;
        private final int zAt;
        /** c of the last, partial block (odd H), padded to L. */
        private final float[] cTail;
        /** Hidden columns covered by full vectors: H rounded down to a multiple of L. */
        private final int hFull;

        Lstm(LayerWeights weights) {
            super(weights);
            float[] wp = pack(weights, GATES, SCALE, true, true, GROUP);
            float[] bp = packBias(weights, GATES, SCALE);
            this.biasAt = wp.length;
            this.zAt = wp.length + bp.length;
            this.buf = new AlignedFloats(zAt + 4 * hp);
            int o = buf.offset();
            System.arraycopy(wp, 0, buf.array(), o, wp.length);
            System.arraycopy(bp, 0, buf.array(), o + biasAt, bp.length);
            this.cTail = new float[L];
            this.hFull = h / L * L;
        }

        @Override
        public void step(float[] x, int xOff, float[] state, int sOff) {
            if (xOff < 0 || xOff > x.length - d || sOff < 0 || sOff > state.length - 2 * h) {
                throw new ArrayIndexOutOfBoundsException("input [" + xOff + ", " + (xOff + d) + ") of "
                        + x.length + " or state [" + sOff + ", " + (sOff + 2 * h) + ") of " + state.length
                        + " out of bounds");
            }
            final float[] m = buf.array();
            final int o = buf.offset();
            int rows = d + h;
            int base = o;
            int blk = 0;
            for (; blk + GROUP <= blocks; blk += GROUP) {
                pair(m, o, x, xOff, state, sOff, base, blk);
                base += rows * 8 * L;
            }
            if (blk < blocks) {
                single(m, o, x, xOff, state, sOff, base, blk);
            }
            int z = o + zAt;
            VectorMath.expm1Neg(m, z, z + 4 * hp);
            int cOff = sOff + h;
            cells(m, z, 0, hFull, state, cOff, state, sOff);
            if (hFull < h) {
                int n = h - hFull;
                System.arraycopy(state, cOff + hFull, cTail, 0, n);
                cells(m, z, hFull, hp, cTail, -hFull, hOut, -hFull);
                System.arraycopy(cTail, 0, state, cOff + hFull, n);
                System.arraycopy(hOut, 0, state, sOff + hFull, n);
            }
        }

        private void pair(float[] m, int o, float[] x, int xOff, float[] state, int sOff, int base, int blk) {
            int bb = o + biasAt + blk * 4 * L;
            FloatVector a0 = FloatVector.fromArray(S, m, bb);
            FloatVector f0 = FloatVector.fromArray(S, m, bb + L);
            FloatVector o0 = FloatVector.fromArray(S, m, bb + 2 * L);
            FloatVector i0 = FloatVector.fromArray(S, m, bb + 3 * L);
            FloatVector a1 = FloatVector.fromArray(S, m, bb + 4 * L);
            FloatVector f1 = FloatVector.fromArray(S, m, bb + 5 * L);
            FloatVector o1 = FloatVector.fromArray(S, m, bb + 6 * L);
            FloatVector i1 = FloatVector.fromArray(S, m, bb + 7 * L);
            // p is computed from k in both loops (not a second induction variable) so that C2 can prove the
            // vector loads in bounds once per loop instead of checking each of them
            for (int k = 0; k < d; k++) {
                int p = base + k * (8 * L);
                FloatVector xk = FloatVector.broadcast(S, x[xOff + k]);
                a0 = xk.fma(FloatVector.fromArray(S, m, p), a0);
                f0 = xk.fma(FloatVector.fromArray(S, m, p + L), f0);
                o0 = xk.fma(FloatVector.fromArray(S, m, p + 2 * L), o0);
                i0 = xk.fma(FloatVector.fromArray(S, m, p + 3 * L), i0);
                a1 = xk.fma(FloatVector.fromArray(S, m, p + 4 * L), a1);
                f1 = xk.fma(FloatVector.fromArray(S, m, p + 5 * L), f1);
                o1 = xk.fma(FloatVector.fromArray(S, m, p + 6 * L), o1);
                i1 = xk.fma(FloatVector.fromArray(S, m, p + 7 * L), i1);
            }
            final int baseH = base + d * (8 * L);
            for (int k = 0; k < h; k++) {
                int p = baseH + k * (8 * L);
                FloatVector hk = FloatVector.broadcast(S, state[sOff + k]);
                a0 = hk.fma(FloatVector.fromArray(S, m, p), a0);
                f0 = hk.fma(FloatVector.fromArray(S, m, p + L), f0);
                o0 = hk.fma(FloatVector.fromArray(S, m, p + 2 * L), o0);
                i0 = hk.fma(FloatVector.fromArray(S, m, p + 3 * L), i0);
                a1 = hk.fma(FloatVector.fromArray(S, m, p + 4 * L), a1);
                f1 = hk.fma(FloatVector.fromArray(S, m, p + 5 * L), f1);
                o1 = hk.fma(FloatVector.fromArray(S, m, p + 6 * L), o1);
                i1 = hk.fma(FloatVector.fromArray(S, m, p + 7 * L), i1);
            }
            int j = o + zAt + blk * 4 * L;
            a0.intoArray(m, j);
            f0.intoArray(m, j + L);
            o0.intoArray(m, j + 2 * L);
            i0.intoArray(m, j + 3 * L);
            a1.intoArray(m, j + 4 * L);
            f1.intoArray(m, j + 5 * L);
            o1.intoArray(m, j + 6 * L);
            i1.intoArray(m, j + 7 * L);
        }

        private void single(float[] m, int o, float[] x, int xOff, float[] state, int sOff, int base, int blk) {
            int bb = o + biasAt + blk * 4 * L;
            FloatVector a0 = FloatVector.fromArray(S, m, bb);
            FloatVector f0 = FloatVector.fromArray(S, m, bb + L);
            FloatVector o0 = FloatVector.fromArray(S, m, bb + 2 * L);
            FloatVector i0 = FloatVector.fromArray(S, m, bb + 3 * L);
            for (int k = 0; k < d; k++) {
                int p = base + k * (4 * L);
                FloatVector xk = FloatVector.broadcast(S, x[xOff + k]);
                a0 = xk.fma(FloatVector.fromArray(S, m, p), a0);
                f0 = xk.fma(FloatVector.fromArray(S, m, p + L), f0);
                o0 = xk.fma(FloatVector.fromArray(S, m, p + 2 * L), o0);
                i0 = xk.fma(FloatVector.fromArray(S, m, p + 3 * L), i0);
            }
            final int baseH = base + d * (4 * L);
            for (int k = 0; k < h; k++) {
                int p = baseH + k * (4 * L);
                FloatVector hk = FloatVector.broadcast(S, state[sOff + k]);
                a0 = hk.fma(FloatVector.fromArray(S, m, p), a0);
                f0 = hk.fma(FloatVector.fromArray(S, m, p + L), f0);
                o0 = hk.fma(FloatVector.fromArray(S, m, p + 2 * L), o0);
                i0 = hk.fma(FloatVector.fromArray(S, m, p + 3 * L), i0);
            }
            int j = o + zAt + blk * 4 * L;
            a0.intoArray(m, j);
            f0.intoArray(m, j + L);
            o0.intoArray(m, j + 2 * L);
            i0.intoArray(m, j + 3 * L);
        }

        /**
         * The blocks of L lanes at columns [from, to), from m = expm1(−z') of each gate of the block at
         * {@code m[z + 4j + gate·L]}.
         * With D = 2 + m, σ = 1/D and tanh(z_a) = −m_a/D_a:
         * <pre>
         * c' = f⊙c + i⊙a = (c·D_i·D_a − m_a·D_f) / (D_f·D_i·D_a)
         * h' = o⊙tanh(c') = −m_c / (D_o·(2 + m_c))        with m_c = expm1(−2c')
         * </pre>
         * Every D lies in [1, 2⁴¹], so the products neither overflow nor underflow. Reads c of column j from
         * {@code c[cOff + j]} and overwrites it with c'; writes h' to {@code hDst[hOff + j]}.
         *
         * <p>m_c is written out here rather than called: this method may be inlined into a large caller, where
         * C2's inlining budget could leave a nested call out of line with boxed vectors.
         */
        private void cells(float[] m, int z, int from, int to, float[] c, int cOff, float[] hDst, int hOff) {
            final int hp = this.hp;
            for (int j = from; j < to; j += L) {
                int zj = z + 4 * j;
                FloatVector ma = FloatVector.fromArray(S, m, zj);
                FloatVector df = FloatVector.fromArray(S, m, zj + L).add(2f);
                FloatVector mo = FloatVector.fromArray(S, m, zj + 2 * L);
                FloatVector di = FloatVector.fromArray(S, m, zj + 3 * L).add(2f);
                FloatVector dia = di.mul(ma.add(2f));
                FloatVector num = ma.neg().fma(df, FloatVector.fromArray(S, c, cOff + j).mul(dia));
                FloatVector c2 = num.div(df.mul(dia));
                c2.intoArray(c, cOff + j);
                // m_c = expm1(−2c'), as VectorMath.expm1Neg
                FloatVector u = c2.mul(-2f * VectorMath.LOG2E);
                FloatVector t = u.add(VectorMath.ROUND);
                FloatVector f = u.sub(t.sub(VectorMath.ROUND));
                FloatVector q = f.fma(VectorMath.E6, VectorMath.E5);
                q = q.fma(f, FloatVector.broadcast(S, VectorMath.E4));
                q = q.fma(f, FloatVector.broadcast(S, VectorMath.E3));
                q = q.fma(f, FloatVector.broadcast(S, VectorMath.E2));
                q = q.fma(f, FloatVector.broadcast(S, VectorMath.E1)).mul(f);
                FloatVector s = t.reinterpretAsInts().sub(VectorMath.ROUND_BIAS).max(VectorMath.N_MIN)
                        .min(VectorMath.N_MAX).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
                FloatVector mc = q.fma(s, s.sub(1f));
                // −(2 + m_c) carries the sign of h' = −m_c / (D_o (2 + m_c))
                mc.div(mo.add(2f).mul(mc.neg().sub(2f))).intoArray(hDst, hOff + j);
            }
        }
    }

    /**
     * ND4J GRUCell (r, u, c). Two passes because ĉ needs r⊙h: pass 1 accumulates r and u over [x, h] and
     * the input part of ĉ over x; pass 2 adds (r⊙h)·RWc. Groups of 2 blocks in both passes. Scratch
     * {@code z = [r | u | c]}, each Hp wide.
     */
    static final class Gru extends Base {
        private static final int GROUP = 2;
        private final float[] wru;
        private final float[] bru;
        private final float[] wcx;
        private final float[] wch;
        private final float[] bc;
        private final float[] z;
        private final float[] rh;

        Gru(LayerWeights weights) {
            super(weights);
            int[] ru = {0, 1};
            int[] c = {2};
            this.wru = pack(weights, ru, true, true, GROUP);
            this.bru = packBias(weights, ru);
            this.wcx = pack(weights, c, true, false, GROUP);
            this.wch = pack(weights, c, false, true, GROUP);
            this.bc = packBias(weights, c);
            this.z = new float[3 * hp];
            this.rh = new float[hp];
        }

        @Override
        public void step(float[] x, int xOff, float[] state, int sOff) {
            loadInput(x, xOff, state, sOff);
            int rows = d + h;
            int base = 0;
            int baseC = 0;
            for (int blk = 0; blk < blocks; blk += GROUP) {
                if (blk + 1 < blocks) {
                    gatesPair(base, baseC, blk);
                    base += rows * 4 * L;
                    baseC += d * 2 * L;
                } else {
                    gatesSingle(base, baseC, blk);
                }
            }
            VectorMath.sigmoid(z, 0, 2 * hp);
            for (int j = 0; j < hp; j += L) {
                FloatVector.fromArray(S, z, j).mul(FloatVector.fromArray(S, xh, d + j)).intoArray(rh, j);
            }
            base = 0;
            for (int blk = 0; blk < blocks; blk += GROUP) {
                if (blk + 1 < blocks) {
                    candidatePair(base, blk);
                    base += h * 2 * L;
                } else {
                    candidateSingle(base, blk);
                }
            }
            VectorMath.tanh(z, z, 2 * hp, 3 * hp);
            for (int j = 0; j < hp; j += L) {
                FloatVector u = FloatVector.fromArray(S, z, hp + j);
                FloatVector c = FloatVector.fromArray(S, z, 2 * hp + j);
                FloatVector hPrev = FloatVector.fromArray(S, xh, d + j);
                // u⊙h + (1−u)⊙ĉ = ĉ + u⊙(h − ĉ)
                hPrev.sub(c).fma(u, c).intoArray(hOut, j);
            }
            System.arraycopy(hOut, 0, state, sOff, h);
        }

        private void gatesPair(int base, int baseC, int blk) {
            final float[] xh = this.xh;
            final int rows = d + h;
            int bb = blk * 2 * L;
            FloatVector r0 = FloatVector.fromArray(S, bru, bb);
            FloatVector u0 = FloatVector.fromArray(S, bru, bb + L);
            FloatVector r1 = FloatVector.fromArray(S, bru, bb + 2 * L);
            FloatVector u1 = FloatVector.fromArray(S, bru, bb + 3 * L);
            FloatVector c0 = FloatVector.fromArray(S, bc, blk * L);
            FloatVector c1 = FloatVector.fromArray(S, bc, (blk + 1) * L);
            for (int k = 0, p = baseC; k < d; k++, p += 2 * L) {
                FloatVector xk = FloatVector.broadcast(S, xh[k]);
                c0 = xk.fma(FloatVector.fromArray(S, wcx, p), c0);
                c1 = xk.fma(FloatVector.fromArray(S, wcx, p + L), c1);
            }
            for (int k = 0, p = base; k < rows; k++, p += 4 * L) {
                FloatVector xk = FloatVector.broadcast(S, xh[k]);
                r0 = xk.fma(FloatVector.fromArray(S, wru, p), r0);
                u0 = xk.fma(FloatVector.fromArray(S, wru, p + L), u0);
                r1 = xk.fma(FloatVector.fromArray(S, wru, p + 2 * L), r1);
                u1 = xk.fma(FloatVector.fromArray(S, wru, p + 3 * L), u1);
            }
            int j = blk * L;
            r0.intoArray(z, j);
            r1.intoArray(z, j + L);
            u0.intoArray(z, hp + j);
            u1.intoArray(z, hp + j + L);
            c0.intoArray(z, 2 * hp + j);
            c1.intoArray(z, 2 * hp + j + L);
        }

        private void gatesSingle(int base, int baseC, int blk) {
            final float[] xh = this.xh;
            final int rows = d + h;
            int bb = blk * 2 * L;
            FloatVector r0 = FloatVector.fromArray(S, bru, bb);
            FloatVector u0 = FloatVector.fromArray(S, bru, bb + L);
            FloatVector c0 = FloatVector.fromArray(S, bc, blk * L);
            for (int k = 0, p = baseC; k < d; k++, p += L) {
                c0 = FloatVector.broadcast(S, xh[k]).fma(FloatVector.fromArray(S, wcx, p), c0);
            }
            for (int k = 0, p = base; k < rows; k++, p += 2 * L) {
                FloatVector xk = FloatVector.broadcast(S, xh[k]);
                r0 = xk.fma(FloatVector.fromArray(S, wru, p), r0);
                u0 = xk.fma(FloatVector.fromArray(S, wru, p + L), u0);
            }
            int j = blk * L;
            r0.intoArray(z, j);
            u0.intoArray(z, hp + j);
            c0.intoArray(z, 2 * hp + j);
        }

        private void candidatePair(int base, int blk) {
            int j = blk * L;
            FloatVector c0 = FloatVector.fromArray(S, z, 2 * hp + j);
            FloatVector c1 = FloatVector.fromArray(S, z, 2 * hp + j + L);
            for (int k = 0, p = base; k < h; k++, p += 2 * L) {
                FloatVector rk = FloatVector.broadcast(S, rh[k]);
                c0 = rk.fma(FloatVector.fromArray(S, wch, p), c0);
                c1 = rk.fma(FloatVector.fromArray(S, wch, p + L), c1);
            }
            c0.intoArray(z, 2 * hp + j);
            c1.intoArray(z, 2 * hp + j + L);
        }

        private void candidateSingle(int base, int blk) {
            int j = blk * L;
            FloatVector c0 = FloatVector.fromArray(S, z, 2 * hp + j);
            for (int k = 0, p = base; k < h; k++, p += L) {
                c0 = FloatVector.broadcast(S, rh[k]).fma(FloatVector.fromArray(S, wch, p), c0);
            }
            c0.intoArray(z, 2 * hp + j);
        }
    }
}
