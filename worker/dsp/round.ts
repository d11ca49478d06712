// Python's round() and numpy's rint() round halves to even; Math.round rounds them up.
// RVC's frame sizes (round) and coarse pitch (np.rint) depend on it.

/** Round to the nearest integer, halves to even (as numpy.rint / Python 3 round). */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  // Math.round sends every .5 upward; step back when that lands on an odd number.
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
