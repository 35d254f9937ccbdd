// The reliability diagram of `native-ner eval --reliability FILE.svg`: per score bin, a bar up to the share of its
// entities that are correct, a tick at their mean score, and the diagonal where the two agree (perfect
// calibration); each bar is labelled with its entity count. Hand-written SVG in the style of bench/lib/svg.mjs.
import type { CalibrationError } from './calibration-error';

const WIDTH = 600;
const PLOT = 400; // the square plot's side
const LEFT = 100;
const HEADER = 88; // the title, one subtitle line and the summary; each further subtitle line adds LINE
const LINE = 18;
const BAR_COLOR = '#1f6feb';
const GAP_COLOR = '#e36209';
const TEXT = '#1f2328';
const MUTED = '#59636e';
const GRID = '#d1d9e0';

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const fixed = (x: number) => x.toFixed(1);

/** The diagram of `calibration`'s bins; `subtitle` says what was measured (data, model, settings), a line per '\n'. */
export function reliabilitySvg(calibration: CalibrationError, subtitle: string): string {
  const subtitleLines = subtitle.split('\n');
  const TOP = HEADER + (subtitleLines.length - 1) * LINE;
  const height = TOP + PLOT + 96;
  const x = (score: number) => LEFT + score * PLOT;
  const y = (share: number) => TOP + (1 - share) * PLOT;
  const bottom = y(0);
  const { ece, mce, entities, accuracy, meanScore } = calibration;
  const summary = `ECE ${ece.toFixed(4)}, MCE ${mce.toFixed(4)}; ${entities} entities, ${(accuracy * 100).toFixed(1)}% correct, mean score ${meanScore.toFixed(3)}`;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    `<text x="16" y="24" font-size="15" font-weight="600" fill="${TEXT}">Reliability of entity scores (exact span and type correct)</text>`,
    ...subtitleLines.map((line, i) => `<text x="16" y="${44 + i * LINE}" fill="${MUTED}">${escapeXml(line)}</text>`),
    `<text x="16" y="${44 + subtitleLines.length * LINE}" fill="${TEXT}">${escapeXml(summary)}</text>`,
  ];
  for (let tick = 0; tick <= 5; tick++) {
    const value = tick / 5;
    parts.push(
      `<line x1="${fixed(x(0))}" y1="${fixed(y(value))}" x2="${fixed(x(1))}" y2="${fixed(y(value))}" stroke="${GRID}" stroke-width="1"/>`,
      `<text x="${fixed(x(0) - 8)}" y="${fixed(y(value) + 4)}" text-anchor="end" fill="${MUTED}">${value.toFixed(1)}</text>`,
      `<text x="${fixed(x(value))}" y="${fixed(bottom + 16)}" text-anchor="middle" fill="${MUTED}">${value.toFixed(1)}</text>`,
    );
  }
  for (const bin of calibration.bins) {
    const left = x(bin.lower) + 2;
    const width = x(bin.upper) - x(bin.lower) - 4;
    const centre = fixed(left + width / 2);
    if (bin.count === 0) {
      parts.push(`<text x="${centre}" y="${fixed(bottom - 4)}" text-anchor="middle" font-size="10" fill="${MUTED}">0</text>`);
      continue;
    }
    const top = y(bin.accuracy);
    parts.push(
      `<rect x="${fixed(left)}" y="${fixed(top)}" width="${fixed(width)}" height="${fixed(bottom - top)}" fill="${BAR_COLOR}" fill-opacity="0.85"><title>scores ${bin.lower.toFixed(1)}–${bin.upper.toFixed(1)}: ${bin.correct} of ${bin.count} correct (${(bin.accuracy * 100).toFixed(1)}%), mean score ${bin.meanScore.toFixed(3)}</title></rect>`,
      `<line x1="${fixed(left)}" y1="${fixed(y(bin.meanScore))}" x2="${fixed(left + width)}" y2="${fixed(y(bin.meanScore))}" stroke="${GAP_COLOR}" stroke-width="2.5"/>`,
      `<text x="${centre}" y="${fixed(Math.min(top, y(bin.meanScore)) - 5)}" text-anchor="middle" font-size="10" fill="${TEXT}">${bin.count}</text>`,
    );
  }
  parts.push(
    `<line x1="${fixed(x(0))}" y1="${fixed(y(0))}" x2="${fixed(x(1))}" y2="${fixed(y(1))}" stroke="${MUTED}" stroke-width="1.5" stroke-dasharray="5 4"/>`,
    `<line x1="${fixed(x(0))}" y1="${fixed(bottom)}" x2="${fixed(x(1))}" y2="${fixed(bottom)}" stroke="${TEXT}" stroke-width="1"/>`,
    `<line x1="${fixed(x(0))}" y1="${fixed(y(1))}" x2="${fixed(x(0))}" y2="${fixed(bottom)}" stroke="${TEXT}" stroke-width="1"/>`,
    `<text x="${fixed(x(0.5))}" y="${fixed(bottom + 36)}" text-anchor="middle" fill="${TEXT}">entity score (${calibration.bins.length} equal-width bins; the number above a bar is its entities)</text>`,
    `<text x="20" y="${fixed(y(0.5))}" text-anchor="middle" fill="${TEXT}" transform="rotate(-90 20 ${fixed(y(0.5))})">share correct</text>`,
  );
  const legendY = bottom + 62;
  parts.push(
    `<rect x="${LEFT}" y="${legendY - 10}" width="12" height="12" rx="2" fill="${BAR_COLOR}" fill-opacity="0.85"/>`,
    `<text x="${LEFT + 17}" y="${legendY}" fill="${TEXT}">share correct in the bin</text>`,
    `<line x1="${LEFT + 180}" y1="${legendY - 4}" x2="${LEFT + 196}" y2="${legendY - 4}" stroke="${GAP_COLOR}" stroke-width="2.5"/>`,
    `<text x="${LEFT + 201}" y="${legendY}" fill="${TEXT}">mean score in the bin</text>`,
    `<line x1="${LEFT + 345}" y1="${legendY - 4}" x2="${LEFT + 365}" y2="${legendY - 4}" stroke="${MUTED}" stroke-width="1.5" stroke-dasharray="5 4"/>`,
    `<text x="${LEFT + 370}" y="${legendY}" fill="${TEXT}">calibrated</text>`,
    '</svg>',
  );
  return `${parts.join('\n')}\n`;
}
