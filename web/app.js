// The page of `descent serve`: a formula's contours (the server's grid and colours), optimizers
// racing on them, and live training. Plain JavaScript and a canvas; every request goes to the
// server that served the page (docs/api.md). The view's whole state lives in the URL.
'use strict';

const $ = (id) => document.getElementById(id);

// The course's worked examples (docs/architecture.md) and, below, the built-in problems.
const COURSE = [
  { name: 'course: 3x^2 + y^2, gd lr 0.1', f: '3*x^2 + y^2', at: [1, 1], opts: ['gd(lr=0.1)'], steps: 2, range: [-1.5, 1.5, -1.5, 1.5] },
  { name: 'course: x^2 from 10, three lr', f: 'x^2', at: [10], opts: ['gd(lr=0.2)', 'gd(lr=0.05)', 'gd(lr=1.1)'], steps: 10, range: [-15, 15] },
  { name: 'course: x1^2 + 2 x2^2, gd lr 0.1', f: 'x1^2 + 2*x2^2', at: [-5, -2], opts: ['gd(lr=0.1)'], steps: 20, range: [-6, 6, -4, 4] },
  { name: 'course: 0.1 x1^2 + 2 x2^2, gd vs momentum', f: '0.1*x1^2 + 2*x2^2', at: [-5, -2], opts: ['gd(lr=0.4)', 'gd(lr=0.6)', 'momentum(lr=0.6, momentum=0.5)'], steps: 20, range: [-6, 6, -4, 4] },
];

// Everything the page shows; tests read it (window.descent).
const state = {
  formula: '', variables: [], at: [], range: null, optimizers: [], steps: 1000, schedule: 'constant',
  contour: null, contourKey: '', race: null, step: 0, playing: false, error: null, raceError: null,
  problems: [], minimizers: [], races: 0, lastRaceMs: null,
  training: { id: null, epochs: [], status: 'idle', summary: null, error: null, controller: null },
};
window.descent = state;

// ---- the URL ---------------------------------------------------------------------------------
function writeUrl() {
  const p = new URLSearchParams();
  p.set('view', $('train-view').hidden ? 'race' : 'train');
  p.set('f', $('formula').value);
  p.set('at', $('start').value);
  if ($('range').value.trim()) p.set('range', $('range').value);
  for (const o of optimizerSpecs()) p.append('opt', o);
  p.set('steps', $('steps').value);
  p.set('schedule', $('schedule').value);
  for (const k of ['data', 'model', 'optimizer', 'epochs', 'batch']) p.set('t' + k, $('train-' + k).value);
  const url = location.pathname + '?' + p.toString();
  history.replaceState(null, '', url);
  $('permalink').href = url;
}

function readUrl() {
  const p = new URLSearchParams(location.search);
  if (!p.has('f')) return false;
  $('formula').value = p.get('f');
  $('start').value = p.get('at') || '';
  $('range').value = p.get('range') || '';
  setOptimizers(p.getAll('opt').length ? p.getAll('opt') : ['gd(lr=0.1)']);
  if (p.has('steps')) $('steps').value = p.get('steps');
  if (p.has('schedule')) $('schedule').value = p.get('schedule');
  for (const k of ['data', 'model', 'optimizer', 'epochs', 'batch']) {
    if (p.has('t' + k)) $('train-' + k).value = p.get('t' + k);
  }
  if (p.get('view') === 'train') showView('train');
  return true;
}

// ---- the optimizer list ----------------------------------------------------------------------
function optimizerSpecs() {
  return [...document.querySelectorAll('#optimizers input')].map((i) => i.value.trim()).filter((s) => s);
}

function addOptimizer(spec) {
  const row = document.createElement('div');
  row.className = 'opt-row';
  const swatch = document.createElement('span');
  swatch.className = 'swatch';
  const input = document.createElement('input');
  input.value = spec;
  input.spellcheck = false;
  input.addEventListener('change', writeUrl);
  const remove = document.createElement('button');
  remove.type = 'button';
  remove.textContent = '×';
  remove.title = 'remove';
  remove.addEventListener('click', () => { row.remove(); paintSwatches(); writeUrl(); });
  row.append(swatch, input, remove);
  $('optimizers').append(row);
  paintSwatches();
}

function setOptimizers(specs) {
  $('optimizers').replaceChildren();
  specs.forEach(addOptimizer);
}

function paintSwatches() {
  const palette = state.contour?.palette || ['#d62728'];
  document.querySelectorAll('#optimizers .swatch').forEach((s, i) => {
    s.style.background = palette[i % palette.length];
  });
}

// ---- requests --------------------------------------------------------------------------------
async function post(path, body) {
  const response = await fetch(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const json = await response.json();
  if (!response.ok) throw new Error(json.error || 'HTTP ' + response.status);
  return json;
}

function numbers(text) {
  return text.split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
}

// The range drawn: as typed, else around the start (and a problem's minimizers).
function viewRange(dim) {
  const typed = numbers($('range').value);
  if (typed.length >= 2 * dim && typed.every(Number.isFinite)) return typed.slice(0, 2 * dim);
  const at = numbers($('start').value);
  const pts = [at, ...state.minimizers].filter((p) => p.length === dim && p.every(Number.isFinite));
  const r = [];
  for (let d = 0; d < dim; ++d) {
    const vs = pts.map((p) => p[d]);
    let lo = vs.length ? Math.min(...vs) : -2, hi = vs.length ? Math.max(...vs) : 2;
    const pad = Math.max(1, 0.3 * (hi - lo));
    r.push(lo - pad, hi + pad);
  }
  return r;
}

async function loadContour() {
  const formula = $('formula').value;
  const key = formula + '|' + $('range').value + '|' + $('start').value;
  if (state.contour && state.contourKey === key) return state.contour;
  // One variable or two is known only from the server; ask with a 2-D range first.
  let dim = state.contour && state.contour.expression && state.contourFormula === formula ? state.variables.length : 2;
  const ask = (d) => post('/api/contour', { expr: formula, range: padRange(viewRange(d)), resolution: 200, levels: 20 });
  let c = await ask(dim);
  if (c.variables.length !== dim) c = await ask(c.variables.length);
  state.contour = c;
  state.contourKey = key;
  state.contourFormula = formula;
  state.variables = c.variables;
  state.image = null;
  paintSwatches();
  return c;
}

function padRange(r) { return r.length === 2 ? [r[0], r[1], -1, 1] : r; }

function showError(id, message) {
  $(id).hidden = !message;
  $(id).textContent = message || '';
}

async function checkFormula() {
  try {
    await loadContour();
    state.error = null;
    showError('formula-error', null);
    draw();
  } catch (e) {
    state.error = e.message;
    showError('formula-error', e.message);
  }
  writeUrl();
}

async function startRace() {
  const t0 = performance.now();
  writeUrl();
  showError('race-error', null);
  try {
    const at = numbers($('start').value);
    const race = post('/api/race', { expr: $('formula').value, at, optimizers: optimizerSpecs(), steps: Number($('steps').value), schedule: $('schedule').value || 'constant' });
    // The grid (unless cached) and the race are computed at the same time.
    const [, answer] = await Promise.all([loadContour(), race]);
    state.error = null;
    showError('formula-error', null);
    state.race = answer;
    state.race.specs = optimizerSpecs();
    state.raceError = null;
    state.fetchMs = performance.now() - t0;
  } catch (e) {
    state.race = null;
    state.raceError = e.message;
    showError(e.message.startsWith('formula:') ? 'formula-error' : 'race-error', e.message);
    if (e.message.startsWith('formula:')) state.error = e.message;
    state.races += 1;
    return;
  }
  const last = Math.max(0, ...state.race.runs.map((r) => r.trace.length - 1));
  $('slider').max = String(last);
  state.step = last;
  $('slider').value = String(last);
  draw();
  showResults();
  state.drawMs = performance.now() - t0;
  // The race counts as drawn once the browser has painted the frame.
  requestAnimationFrame(() => {
    state.lastRaceMs = performance.now() - t0;
    state.races += 1;
  });
}

// ---- interaction -----------------------------------------------------------------------------
function hover(event) {
  if (!state.contour) return;
  const ax = axes(), r = $('canvas').getBoundingClientRect();
  const x = ax.dx(event.clientX - r.left), y = ax.dy(event.clientY - r.top);
  const v = state.variables;
  if (state.contour.grid) {
    const g = state.contour.grid;
    const f = interpolate(g, g.values, x, y), gn = interpolate(g, g.grad_norm, x, y);
    $('hover').textContent = `${v[0]} = ${fmt(x)}, ${v[1]} = ${fmt(y)}:  f = ${f === null ? 'undefined' : fmt(f)},  |grad f| = ${gn === null ? 'undefined' : fmt(gn)}`;
  } else {
    const c = state.contour.curve, n = c.x.length;
    const k = Math.round((x - c.x[0]) / (c.x[n - 1] - c.x[0]) * (n - 1));
    if (k < 0 || k >= n) return;
    $('hover').textContent = `${v[0]} = ${fmt(c.x[k])}:  f = ${c.f[k] === null ? 'undefined' : fmt(c.f[k])},  |grad f| = ${c.grad_norm[k] === null ? 'undefined' : fmt(c.grad_norm[k])}`;
  }
}

function clickStart(event) {
  if (!state.contour) return;
  const ax = axes(), r = $('canvas').getBoundingClientRect();
  const x = ax.dx(event.clientX - r.left), y = ax.dy(event.clientY - r.top);
  if (!$('range').value.trim()) $('range').value = [ax.xlo, ax.xhi, ...(state.contour.grid ? [ax.ylo, ax.yhi] : [])].map(fmt).join(', ');
  $('start').value = (state.contour.grid ? [x, y] : [x]).map(fmt).join(', ');
  startRace();
}

function play() {
  if (!state.race) return;
  state.playing = !state.playing;
  $('play').textContent = state.playing ? 'pause' : 'play';
  const last = Number($('slider').max);
  if (state.playing && state.step >= last) state.step = 0;
  const stride = Math.max(1, Math.ceil(last / 240));
  const frame = () => {
    if (!state.playing) return;
    state.step = Math.min(last, state.step + stride);
    $('slider').value = String(state.step);
    draw();
    if (state.step >= last) { state.playing = false; $('play').textContent = 'play'; return; }
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
}

function usePreset(name) {
  const course = COURSE.find((p) => p.name === name);
  const problem = state.problems.find((p) => 'problem: ' + p.name === name);
  if (course) {
    state.minimizers = [];
    $('formula').value = course.f;
    $('start').value = course.at.join(', ');
    $('range').value = course.range.join(', ');
    setOptimizers(course.opts);
    $('steps').value = course.steps;
  } else if (problem) {
    state.minimizers = problem.minimizers;
    $('formula').value = problem.name;
    $('start').value = problem.start.join(', ');
    $('range').value = '';
    setOptimizers([problem.optimizer, 'adam(lr=0.05)']);
    $('steps').value = problem.steps;
  }
  $('schedule').value = 'constant';
  startRace();
}

function showView(view) {
  $('race-view').hidden = view !== 'race';
  $('train-view').hidden = view !== 'train';
  $('tab-race').classList.toggle('active', view === 'race');
  $('tab-train').classList.toggle('active', view === 'train');
  writeUrl();
}

// ---- start -----------------------------------------------------------------------------------
async function init() {
  for (const spec of document.querySelectorAll('.presets button')) {
    spec.addEventListener('click', () => { addOptimizer(spec.dataset.spec); writeUrl(); });
  }
  $('formula').addEventListener('change', () => { state.minimizers = []; checkFormula(); });
  for (const id of ['start', 'range', 'steps', 'schedule']) $(id).addEventListener('change', writeUrl);
  $('start-race').addEventListener('click', startRace);
  $('play').addEventListener('click', play);
  $('slider').addEventListener('input', () => { state.step = Number($('slider').value); draw(); });
  $('canvas').addEventListener('mousemove', hover);
  $('canvas').addEventListener('click', clickStart);
  $('preset').addEventListener('change', () => usePreset($('preset').value));
  $('tab-race').addEventListener('click', () => showView('race'));
  $('tab-train').addEventListener('click', () => showView('train'));
  $('train-start').addEventListener('click', startTraining);
  $('train-cancel').addEventListener('click', cancelTraining);
  for (const k of ['data', 'model', 'optimizer', 'epochs', 'batch']) $('train-' + k).addEventListener('change', writeUrl);
  try {
    state.problems = (await (await fetch('/api/problems')).json()).problems;
  } catch (e) {
    state.problems = [];
  }
  for (const name of [...COURSE.map((p) => p.name), ...state.problems.map((p) => 'problem: ' + p.name)]) {
    const o = document.createElement('option'); o.textContent = name; $('preset').append(o);
  }
  const fromUrl = readUrl();
  if (!fromUrl) setOptimizers(['gd(lr=0.001)', 'momentum(lr=0.001)', 'adam(lr=0.05)', 'lbfgs', 'newton']);
  const problem = state.problems.find((p) => p.name === $('formula').value);
  if (problem) state.minimizers = problem.minimizers;
  drawTraining();
  await startRace();
  state.ready = true;
}

// After every deferred script (train.js too) has run.
document.addEventListener('DOMContentLoaded', init);
