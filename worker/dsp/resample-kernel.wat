;; The inner loop of worker/dsp/resample.ts as WebAssembly SIMD (f32x4): one polyphase FIR output per step.
;; Built into resample-kernel-wasm.ts (base64) by `npm run build:wasm` (wabt); resample-kernel.test.ts checks the committed
;; binary is this text compiled.
;;
;; fir(xp, yp, outLen, table, taps, up, down), starting at i = 0, frac = 0:
;;   xp     input zero-padded on the left by K samples (and by taps + 8 on the right), f32
;;   yp     outLen f32 outputs
;;   table  `up` rows of `taps` f32 weights (taps a multiple of 8; the padding weights are 0)
;;   output t = Σ_j xp[i + 1 + j] · table[frac · taps + j], then frac += down, i += carries (frac < up)
(module
  (memory (export "memory") 1)
  (func (export "fir")
    (param $xp i32) (param $yp i32) (param $outLen i32) (param $table i32)
    (param $taps i32) (param $up i32) (param $down i32)
    (local $t i32) (local $i i32) (local $frac i32) (local $j i32)
    (local $xa i32) (local $ta i32) (local $rowBytes i32)
    (local $acc0 v128) (local $acc1 v128)
    (local.set $rowBytes (i32.shl (local.get $taps) (i32.const 2)))
    (block $done
      (br_if $done (i32.eqz (local.get $outLen)))
      (loop $outputs
        ;; xa = &xp[i + 1], ta = &table[frac · taps]
        (local.set $xa (i32.add (local.get $xp) (i32.shl (i32.add (local.get $i) (i32.const 1)) (i32.const 2))))
        (local.set $ta (i32.add (local.get $table) (i32.mul (local.get $frac) (local.get $rowBytes))))
        (local.set $acc0 (v128.const f32x4 0 0 0 0))
        (local.set $acc1 (v128.const f32x4 0 0 0 0))
        (local.set $j (i32.const 0))
        (loop $taps
          (local.set $acc0 (f32x4.add (local.get $acc0)
            (f32x4.mul (v128.load (i32.add (local.get $xa) (local.get $j)))
                       (v128.load (i32.add (local.get $ta) (local.get $j))))))
          (local.set $acc1 (f32x4.add (local.get $acc1)
            (f32x4.mul (v128.load offset=16 (i32.add (local.get $xa) (local.get $j)))
                       (v128.load offset=16 (i32.add (local.get $ta) (local.get $j))))))
          (local.set $j (i32.add (local.get $j) (i32.const 32)))
          (br_if $taps (i32.lt_u (local.get $j) (local.get $rowBytes))))
        (local.set $acc0 (f32x4.add (local.get $acc0) (local.get $acc1)))
        (f32.store
          (i32.add (local.get $yp) (i32.shl (local.get $t) (i32.const 2)))
          (f32.add
            (f32.add (f32x4.extract_lane 0 (local.get $acc0)) (f32x4.extract_lane 1 (local.get $acc0)))
            (f32.add (f32x4.extract_lane 2 (local.get $acc0)) (f32x4.extract_lane 3 (local.get $acc0)))))
        ;; advance: frac += down; while (frac >= up) { frac -= up; i++ }
        (local.set $frac (i32.add (local.get $frac) (local.get $down)))
        (block $carried
          (loop $carry
            (br_if $carried (i32.lt_u (local.get $frac) (local.get $up)))
            (local.set $frac (i32.sub (local.get $frac) (local.get $up)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $carry)))
        (local.set $t (i32.add (local.get $t) (i32.const 1)))
        (br_if $outputs (i32.lt_u (local.get $t) (local.get $outLen))))))
)
