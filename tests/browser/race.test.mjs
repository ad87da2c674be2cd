// The page of `descent serve` in headless Chromium (Debian's /usr/bin/chromium, driven by
// puppeteer-core, which downloads no browser): type a formula, race the preset optimizers and
// check from the page's state that every path ends where `descent minimize` ends; a bad formula
// shows its error; the URL reproduces the view; a training run streams epochs and cancel stops
// it; the time from pressing Start to the drawn Rosenbrock race (5 optimizers x 1,000 steps,
// 200 x 200 grid) is measured and printed; a screenshot of the race is saved.
// Usage: node race.test.mjs path/to/descent [output dir for race.png (default: a temp dir)]
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';

let puppeteer;
try {
  puppeteer = (await import('puppeteer-core')).default;
} catch {
  console.error('puppeteer-core is missing: run `npm ci` in tests/browser (scripts/deps.sh test does)');
  process.exit(1);
}

const cli = process.argv[2];
const outDir = process.argv[3] || mkdtempSync(join(tmpdir(), 'descent-browser-'));
const chromium = process.env.DESCENT_CHROMIUM || '/usr/bin/chromium';
assert.ok(cli, 'usage: node race.test.mjs path/to/descent [output dir]');
mkdirSync(outDir, { recursive: true });

// The whole test runs under one deadline, so that nothing can hang CI.
let serverProcess = null;
const deadline = setTimeout(() => {
  console.error('browser test: over 90 s, stopping');
  serverProcess?.kill();
  process.exit(1);
}, 90_000);

function startServer() {
  const server = spawn(cli, ['serve', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    server.stdout.on('data', (chunk) => {
      out += chunk;
      const m = out.match(/http:\/\/127\.0\.0\.1:(\d+)\//);
      if (m) resolve({ server, url: m[0] });
    });
    server.on('exit', (code) => reject(new Error(`descent serve exited with ${code}: ${out}`)));
  });
}

function minimizeCli(formula, variables, at, spec, steps) {
  const point = variables.map((v, i) => `${v}=${at[i]}`).join(',');
  const r = spawnSync(cli, ['minimize', formula, '--at', point, '--optimizer', spec, '--steps', String(steps), '--json'], { encoding: 'utf8' });
  assert.ok(r.status === 0 || r.status === 3, `descent minimize ${spec}: exit ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

async function setValue(page, selector, value) {
  await page.$eval(selector, (el) => { el.value = ''; });
  await page.type(selector, value);
  await page.$eval(selector, (el) => el.dispatchEvent(new Event('change')));
}

async function race(page) {
  const before = await page.evaluate(() => window.descent.races);
  await page.click('#start-race');
  await page.waitForFunction((n) => window.descent.races > n, { timeout: 20_000 }, before);
  return page.evaluate(() => ({ race: window.descent.race, error: window.descent.raceError, ms: window.descent.lastRaceMs, fetchMs: window.descent.fetchMs, variables: window.descent.variables }));
}

async function pathsEndWhereMinimizeEnds(page) {
  const formula = 'x^2 + 3*y^2 + x*y - sin(x)';
  await setValue(page, '#formula', formula);
  await setValue(page, '#start', '1.5, -1');
  await setValue(page, '#range', '-2, 2, -2, 2');
  await setValue(page, '#steps', '200');
  while (await page.$('#optimizers button')) await page.click('#optimizers button');
  for (const b of await page.$$('.presets button')) await b.click();
  const { race: r, error, variables } = await race(page);
  assert.equal(error, null);
  assert.equal(r.runs.length, 6);
  for (const run of r.runs) {
    const expected = minimizeCli(formula, variables, r.start, run.optimizer, 200);
    for (const v of variables) assert.equal(run.x[v], expected.x[v], `${run.optimizer}: ${v}`);
    assert.equal(run.steps, expected.steps, run.optimizer);
  }
  console.log(`paths: ${r.runs.length} optimizers end where descent minimize ends (${r.runs.map((x) => x.optimizer.split('(')[0]).join(', ')})`);
  return r;
}

async function urlReproducesTheView(browser, page) {
  const url = await page.evaluate(() => location.href);
  const other = await browser.newPage();
  await other.goto(url);
  await other.waitForFunction(() => window.descent.ready, { timeout: 20_000 });
  const [a, b] = await Promise.all([page, other].map((p) => p.evaluate(() => ({
    formula: document.getElementById('formula').value,
    optimizers: window.descent.race.runs.map((r) => r.optimizer),
    ends: window.descent.race.runs.map((r) => r.x),
  }))));
  assert.deepEqual(b, a);
  await other.close();
  await page.bringToFront();  // a page in the background gets no animation frames
  console.log('url: a link reproduces the view');
}

async function badFormulaShowsItsError(page) {
  await setValue(page, '#formula', 'x^2 + (y');
  await page.waitForFunction(() => !document.getElementById('formula-error').hidden, { timeout: 10_000 });
  const text = await page.$eval('#formula-error', (el) => el.textContent);
  assert.match(text, /formula:1:9: expected '\)' to close '\(' opened at column 7/);
  assert.equal(await page.evaluate(() => window.descent.error), text);
  console.log('error: a bad formula shows its column');
}

async function timeRosenbrock(page) {
  await setValue(page, '#formula', '(1 - x)^2 + 100*(y - x^2)^2');
  await setValue(page, '#start', '-1.5, 2');
  await setValue(page, '#steps', '1000');
  while (await page.$('#optimizers button')) await page.click('#optimizers button');
  for (const spec of ['gd(lr=0.001)', 'momentum(lr=0.0005)', 'momentum(lr=0.0005, nesterov=true)', 'adam(lr=0.05)', 'lbfgs']) {
    await page.evaluate((s) => addOptimizer(s), spec);
  }
  // Cold: a new range each time, so the 200 x 200 grid is computed, sent and painted too.
  const cold = [], warm = [], coldFetch = [];
  for (let k = 0; k < 5; ++k) {
    await setValue(page, '#range', `-2, 2, -1, ${3 + k * 1e-6}`);
    const r = await race(page);
    assert.equal(r.error, null);
    assert.equal(r.race.runs.length, 5);
    assert.ok(r.race.runs.every((run) => run.trace.length === 1001 || run.reason !== 'max_steps'));
    cold.push(r.ms);
    coldFetch.push(r.fetchMs);
    warm.push((await race(page)).ms);
    console.log(`  race ${k}: ${r.ms.toFixed(1)} ms, then ${warm[k].toFixed(1)} ms`);
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(`timing: Rosenbrock, 5 optimizers x 1000 steps, 200 x 200 grid: start to drawn race ${median(cold).toFixed(1)} ms median with the grid (${cold.map((x) => x.toFixed(0)).join(', ')}; of which requests ${median(coldFetch).toFixed(1)} ms), ${median(warm).toFixed(1)} ms with the grid cached (target < 100 ms)`);
  await setValue(page, '#range', '-2, 2, -1, 3');
  await race(page);
  const shot = join(outDir, 'serve_race.png');
  await (await page.$('#race-view')).screenshot({ path: shot });
  console.log(`screenshot: ${shot}`);
}

async function trainingStreamsAndCancels(page) {
  await page.click('#tab-train');
  await page.select('#train-data', 'digits');
  // About 50 ms an epoch (1000 epochs would take about a minute), so the run is still going when
  // cancel is pressed, however fast or loaded the machine.
  await setValue(page, '#train-model', 'mlp(hidden=[256, 256])');
  await setValue(page, '#train-batch', '4');
  await setValue(page, '#train-epochs', '1000');
  await page.click('#train-start');
  await page.waitForFunction(() => window.descent.training.epochs.length >= 3, { timeout: 30_000 });
  await page.click('#train-cancel');
  await page.waitForFunction(() => ['cancelled', 'done', 'failed'].includes(window.descent.training.status), { timeout: 30_000 });
  const tr = await page.evaluate(() => ({ status: window.descent.training.status, epochs: window.descent.training.epochs.length, summary: window.descent.training.summary }));
  assert.equal(tr.status, 'cancelled');
  assert.equal(tr.summary.reason, 'stopped_by_callback');
  assert.ok(tr.epochs >= 3 && tr.epochs < 1000, `${tr.epochs} epochs`);
  console.log(`training: ${tr.epochs} epochs streamed live, then cancel stopped the run on the server`);
}

const { server, url } = await startServer();
serverProcess = server;
const browser = await puppeteer.launch({
  executablePath: chromium,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  defaultViewport: { width: 1060, height: 760 },
});
let failed = false;
try {
  const page = await browser.newPage();
  page.on('pageerror', (e) => { console.error('page error:', e.message); failed = true; });
  await page.goto(url);
  await page.waitForFunction(() => window.descent.ready, { timeout: 20_000 });
  await pathsEndWhereMinimizeEnds(page);
  await urlReproducesTheView(browser, page);
  await badFormulaShowsItsError(page);
  await timeRosenbrock(page);
  await trainingStreamsAndCancels(page);
  assert.equal(failed, false, 'the page raised an error');
  console.log('browser test: passed');
} catch (e) {
  console.error(e);
  failed = true;
} finally {
  await browser.close();
  server.kill();
  clearTimeout(deadline);
}
process.exit(failed ? 1 : 0);
