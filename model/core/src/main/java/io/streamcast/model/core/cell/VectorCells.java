package io.streamcast.model.core.cell;

import jdk.incubator.vector.FloatVector;
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
                z0 = FloatVector.fromArray(S, wp, p).fma(xk, z0);
                z1 = FloatVector.fromArray(S, wp, p + L).fma(xk, z1);
                z2 = FloatVector.fromArray(S, wp, p + 2 * L).fma(xk, z2);
                z3 = FloatVector.fromArray(S, wp, p + 3 * L).fma(xk, z3);
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
                z0 = FloatVector.fromArray(S, wp, p).fma(FloatVector.broadcast(S, xh[k]), z0);
            }
            z0.intoArray(hOut, j);
        }
    }

    /**
     * DL4J LSTM (a, f, o, i) in three passes, none of them over [x, h] copies or a c buffer.
     *
     * <p>1. The matrix–vector product: groups of 2 blocks × 4 gates (8 accumulators, started from the bias),
     * broadcasting x straight from the caller's input and h straight from the state (nothing is written before
     * this pass ends, so [x, h] need not be copied). The f, o and i weights and biases are packed halved, so
     * the accumulators hold z_a and z/2 for the sigmoid gates (exact: scaling by ½ commutes with rounding).
     * Results go to a gate-major scratch {@code z = [a | f | o | i]}, each Hp wide.
     *
     * <p>2. {@link VectorMath#tanhParts} over all 4Hp: numerator and denominator of tanh for every gate
     * (σ(z) = ½·tanh(z/2) + ½), in place in z and into {@code q}.
     *
     * <p>3. Per block, {@link #cell}: c' and h' from the fractions with two divisions instead of five,
     * read and written as vectors directly in the state; a block that would run past H (odd H) goes through
     * padded scratch.
     */
    static final class Lstm extends Base {
        private static final int[] GATES = {0, 1, 2, 3};
        private static final float[] SCALE = {1f, 0.5f, 0.5f, 0.5f};
        private static final int GROUP = 2;
        private final float[] wp;
        private final float[] bp;
        /** Pre-activations, then tanh numerators, gate-major [a | f | o | i]. */
        private final float[] z;
        /** tanh denominators, gate-major. */
        private final float[] q;
        /** c of the last, partial block (odd H), padded to L. */
        private final float[] cTail;
        /** Hidden columns covered by full vectors: H rounded down to a multiple of L. */
        private final int hFull;

        Lstm(LayerWeights weights) {
            super(weights);
            this.wp = pack(weights, GATES, SCALE, true, true, GROUP);
            this.bp = packBias(weights, GATES, SCALE);
            this.z = new float[4 * hp];
            this.q = new float[4 * hp];
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
            int rows = d + h;
            int base = 0;
            int blk = 0;
            for (; blk + GROUP <= blocks; blk += GROUP) {
                pair(x, xOff, state, sOff, base, blk);
                base += rows * 8 * L;
            }
            if (blk < blocks) {
                single(x, xOff, state, sOff, base, blk);
            }
            VectorMath.tanhParts(z, z, q, 4 * hp);
            int cOff = sOff + h;
            cells(0, hFull, state, cOff, state, sOff);
            if (hFull < h) {
                int n = h - hFull;
                System.arraycopy(state, cOff + hFull, cTail, 0, n);
                cells(hFull, hp, cTail, -hFull, hOut, -hFull);
                System.arraycopy(cTail, 0, state, cOff + hFull, n);
                System.arraycopy(hOut, 0, state, sOff + hFull, n);
            }
        }

        private void pair(float[] x, int xOff, float[] state, int sOff, int base, int blk) {
            final float[] wp = this.wp;
            int bb = blk * 4 * L;
            FloatVector a0 = FloatVector.fromArray(S, bp, bb);
            FloatVector f0 = FloatVector.fromArray(S, bp, bb + L);
            FloatVector o0 = FloatVector.fromArray(S, bp, bb + 2 * L);
            FloatVector i0 = FloatVector.fromArray(S, bp, bb + 3 * L);
            FloatVector a1 = FloatVector.fromArray(S, bp, bb + 4 * L);
            FloatVector f1 = FloatVector.fromArray(S, bp, bb + 5 * L);
            FloatVector o1 = FloatVector.fromArray(S, bp, bb + 6 * L);
            FloatVector i1 = FloatVector.fromArray(S, bp, bb + 7 * L);
            // p is computed from k in both loops (not a second induction variable) so that C2 can prove the
            // vector loads in bounds once per loop instead of checking each of them
            for (int k = 0; k < d; k++) {
                int p = base + k * (8 * L);
                FloatVector xk = FloatVector.broadcast(S, x[xOff + k]);
                a0 = FloatVector.fromArray(S, wp, p).fma(xk, a0);
                f0 = FloatVector.fromArray(S, wp, p + L).fma(xk, f0);
                o0 = FloatVector.fromArray(S, wp, p + 2 * L).fma(xk, o0);
                i0 = FloatVector.fromArray(S, wp, p + 3 * L).fma(xk, i0);
                a1 = FloatVector.fromArray(S, wp, p + 4 * L).fma(xk, a1);
                f1 = FloatVector.fromArray(S, wp, p + 5 * L).fma(xk, f1);
                o1 = FloatVector.fromArray(S, wp, p + 6 * L).fma(xk, o1);
                i1 = FloatVector.fromArray(S, wp, p + 7 * L).fma(xk, i1);
            }
            final int baseH = base + d * (8 * L);
            for (int k = 0; k < h; k++) {
                int p = baseH + k * (8 * L);
                FloatVector hk = FloatVector.broadcast(S, state[sOff + k]);
                a0 = FloatVector.fromArray(S, wp, p).fma(hk, a0);
                f0 = FloatVector.fromArray(S, wp, p + L).fma(hk, f0);
                o0 = FloatVector.fromArray(S, wp, p + 2 * L).fma(hk, o0);
                i0 = FloatVector.fromArray(S, wp, p + 3 * L).fma(hk, i0);
                a1 = FloatVector.fromArray(S, wp, p + 4 * L).fma(hk, a1);
                f1 = FloatVector.fromArray(S, wp, p + 5 * L).fma(hk, f1);
                o1 = FloatVector.fromArray(S, wp, p + 6 * L).fma(hk, o1);
                i1 = FloatVector.fromArray(S, wp, p + 7 * L).fma(hk, i1);
            }
            int j = blk * L;
            a0.intoArray(z, j);
            f0.intoArray(z, hp + j);
            o0.intoArray(z, 2 * hp + j);
            i0.intoArray(z, 3 * hp + j);
            a1.intoArray(z, j + L);
            f1.intoArray(z, hp + j + L);
            o1.intoArray(z, 2 * hp + j + L);
            i1.intoArray(z, 3 * hp + j + L);
        }

        private void single(float[] x, int xOff, float[] state, int sOff, int base, int blk) {
            final float[] wp = this.wp;
            int bb = blk * 4 * L;
            FloatVector a0 = FloatVector.fromArray(S, bp, bb);
            FloatVector f0 = FloatVector.fromArray(S, bp, bb + L);
            FloatVector o0 = FloatVector.fromArray(S, bp, bb + 2 * L);
            FloatVector i0 = FloatVector.fromArray(S, bp, bb + 3 * L);
            for (int k = 0; k < d; k++) {
                int p = base + k * (4 * L);
                FloatVector xk = FloatVector.broadcast(S, x[xOff + k]);
                a0 = FloatVector.fromArray(S, wp, p).fma(xk, a0);
                f0 = FloatVector.fromArray(S, wp, p + L).fma(xk, f0);
                o0 = FloatVector.fromArray(S, wp, p + 2 * L).fma(xk, o0);
                i0 = FloatVector.fromArray(S, wp, p + 3 * L).fma(xk, i0);
            }
            final int baseH = base + d * (4 * L);
            for (int k = 0; k < h; k++) {
                int p = baseH + k * (4 * L);
                FloatVector hk = FloatVector.broadcast(S, state[sOff + k]);
                a0 = FloatVector.fromArray(S, wp, p).fma(hk, a0);
                f0 = FloatVector.fromArray(S, wp, p + L).fma(hk, f0);
                o0 = FloatVector.fromArray(S, wp, p + 2 * L).fma(hk, o0);
                i0 = FloatVector.fromArray(S, wp, p + 3 * L).fma(hk, i0);
            }
            int j = blk * L;
            a0.intoArray(z, j);
            f0.intoArray(z, hp + j);
            o0.intoArray(z, 2 * hp + j);
            i0.intoArray(z, 3 * hp + j);
        }

        /**
         * The blocks of L lanes at columns [from, to). With each gate as a fraction p/q from pass 2
         * (a = pa/qa; f = (pf+qf)/(2qf), and likewise o and i):
         * <pre>
         * c' = f⊙c + i⊙a = ((pf+qf)·c·qi·qa + (pi+qi)·pa·qf) / (2·qf·qi·qa)
         * h' = o⊙tanh(c') = (po+qo)·pc / (2·qo·qc)        with pc/qc the rational tanh of c'
         * </pre>
         * Every q lies in [0.0049, 0.91] and |p| ≤ q, so the products neither overflow nor underflow. Reads c
         * c of column j from {@code c[cOff + j]} and overwrites it with c'; writes h' to {@code hDst[hOff + j]}.
         *
         * <p>The tanh of c' is written out here rather than called: this method may be inlined into a large
         * caller, where C2's inlining budget could leave a nested call out of line with boxed vectors.
         */
        private void cells(int from, int to, float[] c, int cOff, float[] hDst, int hOff) {
            final float[] z = this.z;
            final float[] q = this.q;
            for (int j = from; j < to; j += L) {
                FloatVector pa = FloatVector.fromArray(S, z, j);
                FloatVector qa = FloatVector.fromArray(S, q, j);
                FloatVector pf = FloatVector.fromArray(S, z, hp + j);
                FloatVector qf = FloatVector.fromArray(S, q, hp + j);
                FloatVector pi = FloatVector.fromArray(S, z, 3 * hp + j);
                FloatVector qi = FloatVector.fromArray(S, q, 3 * hp + j);
                FloatVector qia = qi.mul(qa);
                FloatVector fc = pf.add(qf).mul(FloatVector.fromArray(S, c, cOff + j));
                FloatVector num = fc.fma(qia, pi.add(qi).mul(pa).mul(qf));
                FloatVector c2 = num.div(qf.mul(qia).mul(2f));
                c2.intoArray(c, cOff + j);
                // tanh(c') = pc / qc, as VectorMath.tanhParts
                FloatVector xc = c2.max(-VectorMath.TANH_CLAMP).min(VectorMath.TANH_CLAMP);
                FloatVector x2 = xc.mul(xc);
                FloatVector pc = x2.fma(VectorMath.A13, VectorMath.A11);
                pc = pc.fma(x2, FloatVector.broadcast(S, VectorMath.A9));
                pc = pc.fma(x2, FloatVector.broadcast(S, VectorMath.A7));
                pc = pc.fma(x2, FloatVector.broadcast(S, VectorMath.A5));
                pc = pc.fma(x2, FloatVector.broadcast(S, VectorMath.A3));
                pc = pc.fma(x2, FloatVector.broadcast(S, VectorMath.A1));
                pc = pc.mul(xc);
                FloatVector qc = x2.fma(VectorMath.B6, VectorMath.B4);
                qc = qc.fma(x2, FloatVector.broadcast(S, VectorMath.B2));
                qc = qc.fma(x2, FloatVector.broadcast(S, VectorMath.B0));
                FloatVector po = FloatVector.fromArray(S, z, 2 * hp + j);
                FloatVector qo = FloatVector.fromArray(S, q, 2 * hp + j);
                po.add(qo).mul(pc).div(qo.mul(qc).mul(2f)).intoArray(hDst, hOff + j);
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
                c0 = FloatVector.fromArray(S, wcx, p).fma(xk, c0);
                c1 = FloatVector.fromArray(S, wcx, p + L).fma(xk, c1);
            }
            for (int k = 0, p = base; k < rows; k++, p += 4 * L) {
                FloatVector xk = FloatVector.broadcast(S, xh[k]);
                r0 = FloatVector.fromArray(S, wru, p).fma(xk, r0);
                u0 = FloatVector.fromArray(S, wru, p + L).fma(xk, u0);
                r1 = FloatVector.fromArray(S, wru, p + 2 * L).fma(xk, r1);
                u1 = FloatVector.fromArray(S, wru, p + 3 * L).fma(xk, u1);
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
                c0 = FloatVector.fromArray(S, wcx, p).fma(FloatVector.broadcast(S, xh[k]), c0);
            }
            for (int k = 0, p = base; k < rows; k++, p += 2 * L) {
                FloatVector xk = FloatVector.broadcast(S, xh[k]);
                r0 = FloatVector.fromArray(S, wru, p).fma(xk, r0);
                u0 = FloatVector.fromArray(S, wru, p + L).fma(xk, u0);
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
                c0 = FloatVector.fromArray(S, wch, p).fma(rk, c0);
                c1 = FloatVector.fromArray(S, wch, p + L).fma(rk, c1);
            }
            c0.intoArray(z, 2 * hp + j);
            c1.intoArray(z, 2 * hp + j + L);
        }

        private void candidateSingle(int base, int blk) {
            int j = blk * L;
            FloatVector c0 = FloatVector.fromArray(S, z, 2 * hp + j);
            for (int k = 0, p = base; k < h; k++, p += L) {
                c0 = FloatVector.fromArray(S, wch, p).fma(FloatVector.broadcast(S, rh[k]), c0);
            }
            c0.intoArray(z, 2 * hp + j);
        }
    }
}
