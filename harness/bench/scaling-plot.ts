/** A small SVG line chart (no dependencies): one panel per series group, log-free linear axes. */
export interface Series {
  label: string;
  points: { x: number; y: number }[];
  /** Draw a dot (with its value on hover) at every point; default true. */
  markers?: boolean;
}

export interface Panel {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
}

const WIDTH = 420;
const HEIGHT = 300;
const MARGIN = { left: 56, right: 16, top: 36, bottom: 48 };
const COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"];

export function renderScalingSvg(panels: Panel[]): string {
  const body = panels.map((panel, i) => `<g transform="translate(${i * WIDTH},0)">${renderPanel(panel)}</g>`).join("\n");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH * panels.length}" height="${HEIGHT}" font-family="sans-serif" font-size="11">
<rect width="100%" height="100%" fill="white"/>
${body}
</svg>
`;
}

function renderPanel(panel: Panel): string {
  const points = panel.series.flatMap((s) => s.points);
  const maxX = niceCeiling(Math.max(...points.map((p) => p.x), 1));
  const maxY = niceCeiling(Math.max(...points.map((p) => p.y), 1e-9));
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const sx = (x: number) => MARGIN.left + (x / maxX) * plotW;
  const sy = (y: number) => MARGIN.top + plotH - (y / maxY) * plotH;
  const ticks = [0, 0.25, 0.5, 0.75, 1];
  const grid = ticks
    .map((t) => {
      const y = sy(t * maxY);
      const x = sx(t * maxX);
      return `<line x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${y}" y2="${y}" stroke="#ddd"/><text x="${MARGIN.left - 6}" y="${y + 4}" text-anchor="end">${format(t * maxY)}</text><text x="${x}" y="${MARGIN.top + plotH + 16}" text-anchor="middle">${format(t * maxX)}</text>`;
    })
    .join("");
  const lines = panel.series
    .map((series, i) => {
      const colour = COLOURS[i % COLOURS.length];
      const sorted = [...series.points].sort((a, b) => a.x - b.x);
      const path = sorted.map((p, j) => `${j === 0 ? "M" : "L"}${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`).join(" ");
      const dots = ((series.markers ?? true) ? sorted : [])
        .map(
          (p) =>
            `<circle cx="${sx(p.x).toFixed(1)}" cy="${sy(p.y).toFixed(1)}" r="3" fill="${colour}"><title>${escape(series.label)}: ${format(p.x)} → ${format(p.y)}</title></circle>`,
        )
        .join("");
      const legend = `<rect x="${MARGIN.left + 8}" y="${MARGIN.top + 6 + i * 14}" width="10" height="3" fill="${colour}"/><text x="${MARGIN.left + 22}" y="${MARGIN.top + 10 + i * 14}">${escape(series.label)}</text>`;
      return `<path d="${path}" fill="none" stroke="${colour}" stroke-width="2"/>${dots}${legend}`;
    })
    .join("\n");
  return `<text x="${WIDTH / 2}" y="18" text-anchor="middle" font-size="13" font-weight="bold">${escape(panel.title)}</text>
${grid}
<line x1="${MARGIN.left}" x2="${MARGIN.left}" y1="${MARGIN.top}" y2="${MARGIN.top + plotH}" stroke="#333"/>
<line x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${MARGIN.top + plotH}" y2="${MARGIN.top + plotH}" stroke="#333"/>
<text x="${MARGIN.left + plotW / 2}" y="${HEIGHT - 10}" text-anchor="middle">${escape(panel.xLabel)}</text>
<text transform="translate(14,${MARGIN.top + plotH / 2}) rotate(-90)" text-anchor="middle">${escape(panel.yLabel)}</text>
${lines}`;
}

function niceCeiling(value: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * magnitude >= value) return step * magnitude;
  return 10 * magnitude;
}

function format(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(value < 10 ? 1 : 0);
}

function escape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
