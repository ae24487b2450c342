import { renderChartPng, renderChartSvg } from '../../activities/chart-render.js';

const start = 1_795_240_000;
const series = [{ name: 'cart-7d9f8b6c5-x2k4p', points: Array.from({ length: 60 }, (_, i) => [start + i * 60, i < 40 ? 0.1 : 0.9] as [number, number]) }];

test('the SVG carries the title, the series and a dashed threshold line', () => {
  const svg = renderChartSvg({ title: 'Restarts per minute: shop/cart', series, threshold: 0.5 });
  expect(svg.startsWith('<svg')).toBe(true);
  expect(svg).toContain('Restarts per minute: shop/cart');
  expect(svg).toContain('threshold 0.5');
  expect(svg).toMatch(/stroke-dasharray/);
});

test('the PNG has the requested size and real content', () => {
  const png = renderChartPng({ title: 'CPU usage', series, threshold: 0.5, width: 640, height: 300 });
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  // IHDR: width and height, big-endian, right after the chunk header.
  expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([640, 300]);
  expect(png.length).toBeGreaterThan(5_000);
});

test('an empty series still renders a chart rather than failing the incident', () => {
  const png = renderChartPng({ title: 'No data', series: [{ name: 'none', points: [] }] });
  expect(png.readUInt32BE(16)).toBe(800);
});

test('text is drawn: the same chart under another title is another image', () => {
  const draw = (title: string) => renderChartPng({ title, series: [{ name: 'none', points: [] }], width: 320, height: 160 });
  expect(draw('')).toEqual(draw(''));
  expect(draw('Disk full on db-0')).not.toEqual(draw(''));
});
