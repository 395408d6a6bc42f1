// Inline SVG charts (no chart library). Each chart carries a text equivalent: a caption for
// screen readers and a table in a <details> element anyone can open.
import type { ReactNode } from 'react';

export interface Bar {
  label: string;
  value: number;
}

const W = 640;
const H = 200;
const PAD = { top: 12, right: 12, bottom: 28, left: 56 };

function axisTicks(max: number): number[] {
  return [0, max / 2, max];
}

export function BarChart({ title, bars, format, table }: { title: string; bars: Bar[]; format: (v: number) => string; table: ReactNode }) {
  const max = Math.max(...bars.map((b) => b.value), 0) || 1;
  const min = Math.min(...bars.map((b) => b.value), 0);
  const span = max - min || 1;
  const innerW = W - PAD.left - PAD.right;
  const innerH = H - PAD.top - PAD.bottom;
  const y = (v: number) => PAD.top + innerH - ((v - min) / span) * innerH;
  const bw = bars.length ? innerW / bars.length : innerW;
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`${title}: ${bars.length} values, highest ${format(max)}`}>
        {axisTicks(max).map((t) => (
          <g key={t}>
            <line x1={PAD.left} x2={W - PAD.right} y1={y(t)} y2={y(t)} className="grid" />
            <text x={PAD.left - 6} y={y(t) + 4} textAnchor="end" className="tick">{format(t)}</text>
          </g>
        ))}
        {bars.map((b, i) => (
          <g key={b.label}>
            <rect x={PAD.left + i * bw + 2} width={Math.max(bw - 4, 1)} y={Math.min(y(b.value), y(0))} height={Math.abs(y(0) - y(b.value))} className={b.value >= 0 ? 'bar' : 'bar negative'}>
              <title>{`${b.label}: ${format(b.value)}`}</title>
            </rect>
            {(bars.length <= 10 || i % Math.ceil(bars.length / 8) === 0) && (
              <text x={PAD.left + i * bw + bw / 2} y={H - 8} textAnchor="middle" className="tick">{b.label}</text>
            )}
          </g>
        ))}
      </svg>
      <figcaption>{title}</figcaption>
      <details>
        <summary>Show as table</summary>
        {table}
      </details>
    </figure>
  );
}

export interface SeriesPoint {
  t: string;
  price: number;
  interpolated: boolean;
}

/** A price line with interpolated points drawn as hollow orange markers. */
export function PriceLine({ title, points, onDemand }: { title: string; points: SeriesPoint[]; onDemand?: number | null }) {
  if (!points.length) return <p className="muted">No prices for {title} in these 7 days.</p>;
  const times = points.map((p) => Date.parse(p.t));
  const t0 = Math.min(...times);
  const t1 = Math.max(...times);
  const prices = points.map((p) => p.price);
  const max = Math.max(...prices, onDemand ?? 0) * 1.05 || 1;
  const min = Math.min(...prices) * 0.95;
  const innerW = W - PAD.left - PAD.right;
  const innerH = H - PAD.top - PAD.bottom;
  const x = (t: number) => PAD.left + (t1 === t0 ? innerW / 2 : ((t - t0) / (t1 - t0)) * innerW);
  const y = (v: number) => PAD.top + innerH - ((v - min) / (max - min || 1)) * innerH;
  const path = points.map((p, i) => `${i ? 'L' : 'M'}${x(times[i]).toFixed(1)},${y(p.price).toFixed(1)}`).join(' ');
  const interpolated = points.filter((p) => p.interpolated);
  const fmt = (v: number) => `$${v.toFixed(4)}`;
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`${title}: ${points.length} prices from ${fmt(Math.min(...prices))} to ${fmt(Math.max(...prices))}, ${interpolated.length} interpolated`}>
        {[min, (min + max) / 2, max].map((t) => (
          <g key={t}>
            <line x1={PAD.left} x2={W - PAD.right} y1={y(t)} y2={y(t)} className="grid" />
            <text x={PAD.left - 6} y={y(t) + 4} textAnchor="end" className="tick">{fmt(t)}</text>
          </g>
        ))}
        {onDemand ? <line x1={PAD.left} x2={W - PAD.right} y1={y(onDemand)} y2={y(onDemand)} className="ondemand-line"><title>{`On-demand ${fmt(onDemand)}`}</title></line> : null}
        <path d={path} className="price-line" />
        {points.length < 3 &&
          points.filter((p) => !p.interpolated).map((p) => (
            <circle key={p.t} cx={x(Date.parse(p.t))} cy={y(p.price)} r={3} className="measured-point">
              <title>{`${p.t}: ${fmt(p.price)}`}</title>
            </circle>
          ))}
        {interpolated.map((p) => (
          <circle key={p.t} cx={x(Date.parse(p.t))} cy={y(p.price)} r={3} className="interpolated-point" data-interpolated="true">
            <title>{`Interpolated ${p.t}: ${fmt(p.price)}`}</title>
          </circle>
        ))}
        <text x={PAD.left} y={H - 8} className="tick">{new Date(t0).toISOString().slice(0, 10)}</text>
        <text x={W - PAD.right} y={H - 8} textAnchor="end" className="tick">{new Date(t1).toISOString().slice(0, 10)}</text>
      </svg>
      <figcaption>
        {title} — {points.length} points, <span className="legend-interpolated">○ {interpolated.length} interpolated</span>
      </figcaption>
      <details>
        <summary>Show as table</summary>
        <table>
          <thead>
            <tr><th scope="col">Time (UTC)</th><th scope="col">Price</th><th scope="col">Source</th></tr>
          </thead>
          <tbody>
            {points.slice(-48).map((p) => (
              <tr key={p.t}><td>{p.t.slice(0, 16).replace('T', ' ')}</td><td>{fmt(p.price)}</td><td>{p.interpolated ? 'interpolated' : 'measured'}</td></tr>
            ))}
          </tbody>
        </table>
        {points.length > 48 && <p className="muted">Latest 48 of {points.length} points.</p>}
      </details>
    </figure>
  );
}
