#!/usr/bin/env node
// Rasterises public/favicon.svg into the PNG icons the web app manifest names (public/icons/), with
// Debian's Chromium through Playwright (no image library needed). Run once after changing the
// favicon, and commit the PNGs: `node scripts/gen-icons.mjs`.
//
// "any" icons are the favicon as drawn (transparent outside its rounded square). Maskable icons are
// cropped by the platform to any shape inside a circle of 40% of the size around the centre
// (https://www.w3.org/TR/appmanifest/#icon-masks), so they get a full-bleed background and the glyph
// scaled into that circle.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { chromium } from '@playwright/test';

const OUT = 'public/icons';
const favicon = readFileSync('public/favicon.svg', 'utf8');

const background = /<rect\b[^>]*\bfill="([^"]+)"[^>]*\/>/.exec(favicon);
const viewBox = /viewBox="0 0 (\d+) (\d+)"/.exec(favicon);
if (!background || !viewBox || viewBox[1] !== viewBox[2]) {
  throw new Error('gen-icons: expected a square favicon.svg whose first <rect> is its background');
}
const side = Number(viewBox[1]);
const glyph = favicon.replace(background[0], '').replace(/^<svg[^>]*>|<\/svg>\s*$/g, '');
// The glyph (the V and its round caps) reaches about 14/32 from the centre; 0.8 brings it to ~11/32,
// inside the 12.8/32 safe circle.
const maskable =
  `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${side} ${side}">` +
  `<rect width="${side}" height="${side}" fill="${background[1]}"/>` +
  `<g transform="translate(${side / 2} ${side / 2}) scale(0.8) translate(${-side / 2} ${-side / 2 - 0.5})">` +
  `${glyph}</g></svg>`;

const icons = [
  { file: 'icon-192.png', size: 192, svg: favicon },
  { file: 'icon-512.png', size: 512, svg: favicon },
  { file: 'maskable-192.png', size: 192, svg: maskable },
  { file: 'maskable-512.png', size: 512, svg: maskable },
];

mkdirSync(OUT, { recursive: true });
const browser = await chromium.launch({
  executablePath: process.env.VEIL_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
});
try {
  const page = await browser.newPage({ deviceScaleFactor: 1 });
  for (const { file, size, svg } of icons) {
    await page.setViewportSize({ width: size, height: size });
    const src = `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
    await page.setContent(
      `<body style="margin:0"><img src="${src}" width="${size}" height="${size}" style="display:block"></body>`,
    );
    await page.locator('img').evaluate((img) => img.decode());
    writeFileSync(`${OUT}/${file}`, await page.screenshot({ omitBackground: true, type: 'png' }));
    console.log(`gen-icons: ${OUT}/${file} (${size}×${size})`);
  }
} finally {
  await browser.close();
}
