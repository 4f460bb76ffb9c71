import { useEffect, useState, type ReactElement } from 'react';
import {
  Area,
  AreaChart,
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { ApiClient } from '../api/apiClient.js';
import { describeFailure } from '../api/apiError.js';
import type { UsageHistory, UsageHistoryQuery } from '../api/apiTypes.js';
import { formatBytes } from '../format.js';
import { usageRange } from './usageRange.js';

export interface UsageViewProps {
  api: ApiClient;
}

type Bucket = UsageHistoryQuery['bucket'];
type Row = UsageHistory['buckets'][number];

const BUCKET_LABELS: Record<Bucket, string> = { day: 'Last 30 days', week: 'Last 26 weeks', month: 'Last 12 months' };
// Series are drawn at once, not animated: nothing moves for people who asked for reduced motion, and a
// screenshot shows the data.
/** Colour-blind-safe (Okabe–Ito); every series also has its name in the legend and the table. */
const COLOURS = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00'];

interface Column {
  label: string;
  value: (row: Row) => string | number;
}

/**
 * One chart with its caption and, under it, the same numbers as a table: the SVG chart is keyboard
 * navigable (Recharts' accessibility layer) but a screen reader reads the table.
 */
function ChartFigure({ title, rows, columns, children }: { title: string; rows: Row[]; columns: Column[]; children: ReactElement }) {
  return (
    <figure className="usage-chart" aria-label={title}>
      <figcaption>{title}</figcaption>
      <div className="usage-chart-plot">
        <ResponsiveContainer width="100%" height={220}>
          {children}
        </ResponsiveContainer>
      </div>
      <details>
        <summary>Data table: {title}</summary>
        <table>
          <thead>
            <tr>
              <th scope="col">Period</th>
              {columns.map((column) => (
                <th scope="col" key={column.label}>
                  {column.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.start}>
                <th scope="row">{row.start}</th>
                {columns.map((column) => (
                  <td key={column.label}>{column.value(row)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}

/** The Usage view: the signed-in person's uploads over time, from `GET /api/me/usage/history`. */
export function UsageView({ api }: UsageViewProps) {
  const [bucket, setBucket] = useState<Bucket>('week');
  const [history, setHistory] = useState<UsageHistory | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let current = true;
    setHistory(null);
    setError(null);
    const query = usageRange(bucket, new Date(), Intl.DateTimeFormat().resolvedOptions().timeZone);
    api.getUsageHistory(query).then(
      (loaded) => current && setHistory(loaded),
      (failure: unknown) => current && setError(describeFailure(failure)),
    );
    return () => {
      current = false;
    };
  }, [api, bucket]);

  const rows = history?.buckets ?? [];
  const types = [...new Set(rows.flatMap((row) => Object.keys(row.byType)))].sort();
  // One field per type (a content type has no dot, so it is a plain data key).
  const typeRows = rows.map((row) => ({ start: row.start, ...Object.fromEntries(types.map((type) => [type, row.byType[type] ?? 0])) }));
  const axes = [
    <CartesianGrid key="grid" strokeDasharray="3 3" vertical={false} />,
    <XAxis key="x" dataKey="start" tick={{ fontSize: 11 }} minTickGap={16} />,
    <Tooltip key="tooltip" />,
    <Legend key="legend" />,
  ];

  return (
    <section className="usage-view" aria-labelledby="usage-title" aria-busy={!history && !error}>
      <div className="usage-view-header">
        <h2 id="usage-title">Usage over time</h2>
        <label>
          <span>Period</span>
          <select value={bucket} onChange={(event) => setBucket(event.target.value as Bucket)}>
            {Object.entries(BUCKET_LABELS).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
      </div>
      {error && (
        <p role="alert" className="error">
          Usage history unavailable: {error}
        </p>
      )}
      {history && (
        <div className="usage-charts">
          <ChartFigure
            title="Cut-out quality"
            rows={rows}
            columns={[
              { label: 'Excellent', value: (row) => row.quality.excellent },
              { label: 'Good', value: (row) => row.quality.good },
              { label: 'Fair', value: (row) => row.quality.fair },
            ]}
          >
            <BarChart data={rows} accessibilityLayer>
              {axes}
              <YAxis allowDecimals={false} width={36} />
              <Bar isAnimationActive={false} dataKey="quality.excellent" name="Excellent" stackId="quality" fill={COLOURS[2]} />
              <Bar isAnimationActive={false} dataKey="quality.good" name="Good" stackId="quality" fill={COLOURS[0]} />
              <Bar isAnimationActive={false} dataKey="quality.fair" name="Fair" stackId="quality" fill={COLOURS[1]} />
            </BarChart>
          </ChartFigure>
          <ChartFigure
            title="Processing time (ms)"
            rows={rows}
            columns={[
              { label: 'Median', value: (row) => row.processingMs.p50 ?? '—' },
              { label: '95th percentile', value: (row) => row.processingMs.p95 ?? '—' },
            ]}
          >
            <LineChart data={rows} accessibilityLayer>
              {axes}
              <YAxis width={48} />
              <Line isAnimationActive={false} dataKey="processingMs.p50" name="Median" stroke={COLOURS[0]} connectNulls dot={false} />
              <Line
                isAnimationActive={false}
                dataKey="processingMs.p95"
                name="95th percentile"
                stroke={COLOURS[5]}
                strokeDasharray="5 3"
                connectNulls
                dot={false}
              />
            </LineChart>
          </ChartFigure>
          <ChartFigure title="Storage added" rows={rows} columns={[{ label: 'Bytes added', value: (row) => formatBytes(row.bytesAdded) }]}>
            <AreaChart data={rows} accessibilityLayer>
              {axes}
              <YAxis width={64} tickFormatter={(bytes: number) => formatBytes(bytes)} />
              <Area isAnimationActive={false} dataKey="bytesAdded" name="Bytes added" stroke={COLOURS[0]} fill={COLOURS[4]} />
            </AreaChart>
          </ChartFigure>
          <ChartFigure
            title="Images by type"
            rows={rows}
            columns={types.map((type) => ({ label: type, value: (row) => row.byType[type] ?? 0 }))}
          >
            <BarChart data={typeRows} accessibilityLayer>
              {axes}
              <YAxis allowDecimals={false} width={36} />
              {types.map((type, index) => (
                <Bar key={type} dataKey={type} name={type} stackId="types" fill={COLOURS[index % COLOURS.length]} />
              ))}
            </BarChart>
          </ChartFigure>
        </div>
      )}
    </section>
  );
}
