/** One measurement: when (ms since the start) and what (MiB). */
export interface Point {
  atMs: number;
  value: number;
}

/** The least-squares slope of `value` over time, in units per minute; 0 with fewer than two points. */
export function slopePerMinute(points: readonly Point[]): number {
  const n = points.length;
  if (n < 2) return 0;
  let meanT = 0;
  let meanY = 0;
  for (const point of points) {
    meanT += point.atMs / 60_000;
    meanY += point.value;
  }
  meanT /= n;
  meanY /= n;
  let covariance = 0;
  let variance = 0;
  for (const point of points) {
    const dt = point.atMs / 60_000 - meanT;
    covariance += dt * (point.value - meanY);
    variance += dt * dt;
  }
  return variance === 0 ? 0 : covariance / variance;
}
