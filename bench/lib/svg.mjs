// The chart of bench/results/bench.svg: throughput bars per system with each system's F1 beside its bar.
import { num } from './report.mjs';

/** @typedef {import('./report.mjs').Row} Row */

/** @type {Record<string, string>} */
const COLORS = { native: '#1f6feb', 'ort-loop': '#8b949e', transformers: '#e36209', crf: '#2da44e' };
const LEGEND = [
  ['native', 'native-ner'],
  ['ort-loop', 'bare ONNX Runtime loop (no entities)'],
  ['transformers', 'transformers.js'],
  ['crf', 'CRF baseline'],
];

const WIDTH = 940;
const LABEL_WIDTH = 330;
const BAR_AREA = 430;
const ROW_HEIGHT = 26;
const TOP = 64;

/** @param {string} text */
function escapeXml(text) {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A round tick step giving about five gridlines up to `max`. */
function tickStep(/** @type {number} */ max) {
  const rough = max / 5;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= rough);
  return step ?? 10 * magnitude;
}

/**
 * @param {Row[]} rows
 * @param {string} subtitle
 */
export function toSvg(rows, subtitle) {
  const max = Math.max(...rows.map((row) => row.sentencesPerSecond));
  const step = tickStep(max);
  const scaleMax = Math.ceil(max / step) * step;
  const x = (/** @type {number} */ value) => LABEL_WIDTH + (value / scaleMax) * BAR_AREA;
  const chartBottom = TOP + rows.length * ROW_HEIGHT;
  const height = chartBottom + 74;

  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    `<text x="16" y="24" font-size="15" font-weight="600" fill="#1f2328">Throughput on CoNLL-2003 test (sentences/s, higher is better) and strict span F1</text>`,
    `<text x="16" y="44" fill="#59636e">${escapeXml(subtitle)}</text>`,
  ];
  for (let tick = 0; tick <= scaleMax; tick += step) {
    parts.push(
      `<line x1="${x(tick)}" y1="${TOP - 6}" x2="${x(tick)}" y2="${chartBottom}" stroke="#d1d9e0" stroke-width="1"/>`,
      `<text x="${x(tick)}" y="${chartBottom + 16}" text-anchor="middle" fill="#59636e">${num(tick)}</text>`,
    );
  }
  parts.push(`<text x="${WIDTH - 16}" y="${TOP - 12}" text-anchor="end" font-weight="600" fill="#1f2328">F1</text>`);
  rows.forEach((row, i) => {
    const y = TOP + i * ROW_HEIGHT;
    const barEnd = x(row.sentencesPerSecond);
    const f1 = row.result.scores ? num(row.result.scores.overall.f1, 4) : 'n/a';
    parts.push(
      `<text x="${LABEL_WIDTH - 10}" y="${y + 16}" text-anchor="end" fill="#1f2328">${escapeXml(row.label)}</text>`,
      `<rect x="${LABEL_WIDTH}" y="${y + 4}" width="${(barEnd - LABEL_WIDTH).toFixed(1)}" height="${ROW_HEIGHT - 8}" rx="2" fill="${COLORS[row.kind] ?? '#6e7781'}"/>`,
      `<text x="${barEnd + 6}" y="${y + 16}" fill="#1f2328">${num(row.sentencesPerSecond)}</text>`,
      `<text x="${WIDTH - 16}" y="${y + 16}" text-anchor="end" fill="#1f2328">${f1}</text>`,
    );
  });
  let legendX = 16;
  for (const [kind, name] of LEGEND) {
    if (!rows.some((row) => row.kind === kind)) continue;
    parts.push(
      `<rect x="${legendX}" y="${chartBottom + 34}" width="12" height="12" rx="2" fill="${COLORS[kind]}"/>`,
      `<text x="${legendX + 17}" y="${chartBottom + 44}" fill="#1f2328">${escapeXml(name)}</text>`,
    );
    legendX += 24 + name.length * 6.4;
  }
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
