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

// ---- drawing ---------------------------------------------------------------------------------
const MARGIN = { left: 52, right: 12, top: 12, bottom: 36 };

function plotBox(canvas) {
  return { x: MARGIN.left, y: MARGIN.top, w: canvas.width - MARGIN.left - MARGIN.right, h: canvas.height - MARGIN.top - MARGIN.bottom };
}

// Data <-> pixel maps of the current view (1-D: y is f over the curve's finite values).
function axes() {
  const c = state.contour, box = plotBox($('canvas'));
  let xlo, xhi, ylo, yhi;
  if (c.grid) {
    ({ x_lo: xlo, x_hi: xhi, y_lo: ylo, y_hi: yhi } = c.grid);
  } else {
    xlo = c.curve.x[0];
    xhi = c.curve.x[c.curve.x.length - 1];
    const fs = c.curve.f.filter((v) => v !== null);
    ylo = Math.min(...fs);
    yhi = Math.max(...fs);
    if (!(yhi > ylo)) { ylo -= 1; yhi += 1; }
    const pad = 0.05 * (yhi - ylo);
    ylo -= pad;
    yhi += pad;
  }
  return {
    box, xlo, xhi, ylo, yhi,
    px: (x) => box.x + (x - xlo) / (xhi - xlo) * box.w,
    py: (y) => box.y + (yhi - y) / (yhi - ylo) * box.h,
    dx: (px) => xlo + (px - box.x) / box.w * (xhi - xlo),
    dy: (py) => yhi - (py - box.y) / box.h * (yhi - ylo),
  };
}

function hexRgb(hex) {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

// Bilinear interpolation of grid values at (x, y); null where a corner is undefined.
function interpolate(grid, values, x, y) {
  const fx = (x - grid.x_lo) / (grid.x_hi - grid.x_lo) * (grid.nx - 1);
  const fy = (y - grid.y_lo) / (grid.y_hi - grid.y_lo) * (grid.ny - 1);
  const i = Math.min(Math.max(Math.floor(fx), 0), grid.nx - 2), j = Math.min(Math.max(Math.floor(fy), 0), grid.ny - 2);
  const u = Math.min(Math.max(fx - i, 0), 1), v = Math.min(Math.max(fy - j, 0), 1);
  const a = values[j * grid.nx + i], b = values[j * grid.nx + i + 1];
  const c = values[(j + 1) * grid.nx + i], d = values[(j + 1) * grid.nx + i + 1];
  if (a === null || b === null || c === null || d === null) return null;
  return (a * (1 - u) + b * u) * (1 - v) + (c * (1 - u) + d * u) * v;
}

// The filled contour as the PNG plots paint it: each pixel takes its band's colour.
function contourImage(ctx, ax) {
  const c = state.contour, { box } = ax;
  const image = ctx.createImageData(box.w, box.h);
  const colors = c.colors.map(hexRgb), missing = hexRgb(c.missing), levels = c.levels;
  for (let row = 0; row < box.h; ++row) {
    const y = ax.dy(box.y + row + 0.5);
    for (let col = 0; col < box.w; ++col) {
      const v = interpolate(c.grid, c.grid.values, ax.dx(box.x + col + 0.5), y);
      let rgb = missing;
      if (v !== null) {
        let lo = 0, hi = levels.length;
        while (lo < hi) { const mid = (lo + hi) >> 1; if (levels[mid] <= v) lo = mid + 1; else hi = mid; }
        rgb = colors[lo];
      }
      const k = 4 * (row * box.w + col);
      image.data[k] = rgb[0]; image.data[k + 1] = rgb[1]; image.data[k + 2] = rgb[2]; image.data[k + 3] = 255;
    }
  }
  return image;
}

function drawAxes(ctx, ax) {
  ctx.strokeStyle = '#444';
  ctx.strokeRect(ax.box.x, ax.box.y, ax.box.w, ax.box.h);
  ctx.fillStyle = '#333';
  ctx.font = '11px sans-serif';
  ctx.textAlign = 'center';
  // Tick labels with 3 significant digits of the range's scale (no 1e-7 for a rounded zero).
  const label = (v, lo, hi) => +(Math.abs(v) < 1e-6 * (hi - lo) ? 0 : v).toPrecision(3);
  for (let k = 0; k <= 4; ++k) {
    const x = ax.xlo + (ax.xhi - ax.xlo) * k / 4, y = ax.ylo + (ax.yhi - ax.ylo) * k / 4;
    ctx.fillText(label(x, ax.xlo, ax.xhi), ax.px(x), ax.box.y + ax.box.h + 14);
    ctx.textAlign = 'right';
    ctx.fillText(label(y, ax.ylo, ax.yhi), ax.box.x - 4, ax.py(y) + 4);
    ctx.textAlign = 'center';
  }
  const v = state.variables;
  ctx.fillText(v[0] || 'x', ax.box.x + ax.box.w / 2, ax.box.y + ax.box.h + 30);
  ctx.save();
  ctx.translate(12, ax.box.y + ax.box.h / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.fillText(v.length === 2 ? v[1] : 'f', 0, 0);
  ctx.restore();
}

function tracePoint(run, p) {
  const x = state.variables.map((name) => p.x[name]);
  return state.variables.length === 2 ? [x[0], x[1]] : [x[0], p.f];
}

function drawPaths(ctx, ax) {
  if (!state.race) return;
  const palette = state.contour.palette;
  ctx.save();
  ctx.beginPath();
  ctx.rect(ax.box.x, ax.box.y, ax.box.w, ax.box.h);
  ctx.clip();
  state.race.runs.forEach((run, r) => {
    const pts = run.trace.filter((p) => p.step <= stepOf(run)).map((p) => tracePoint(run, p))
      .filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b) && Math.abs(a) < 1e12 && Math.abs(b) < 1e12);
    if (!pts.length) return;
    ctx.strokeStyle = palette[r % palette.length];
    ctx.lineWidth = 2;
    ctx.beginPath();
    pts.forEach(([a, b], k) => (k ? ctx.lineTo(ax.px(a), ax.py(b)) : ctx.moveTo(ax.px(a), ax.py(b))));
    ctx.stroke();
    ctx.fillStyle = palette[r % palette.length];
    const dots = pts.length <= 60 ? pts : [pts[pts.length - 1]];
    for (const [a, b] of dots) { ctx.beginPath(); ctx.arc(ax.px(a), ax.py(b), 3, 0, 2 * Math.PI); ctx.fill(); }
  });
  ctx.restore();
}

// The slider's position is an index into the longest trace; each run shows its steps up to it.
function stepOf(run) {
  const longest = state.race.runs.reduce((a, r) => Math.max(a, r.trace.length), 0);
  const p = run.trace[Math.min(state.step, run.trace.length - 1)];
  return run.trace.length === longest ? p.step : (state.step >= run.trace.length - 1 ? Infinity : p.step);
}

function drawMarkers(ctx, ax) {
  const at = numbers($('start').value);
  ctx.lineWidth = 1.5;
  if (at.length === state.variables.length && at.every(Number.isFinite)) {
    const [a, b] = at.length === 2 ? at : [at[0], valueAt1d(at[0])];
    if (b !== null) {
      ctx.fillStyle = '#fff'; ctx.strokeStyle = '#000';
      ctx.beginPath(); ctx.arc(ax.px(a), ax.py(b), 5, 0, 2 * Math.PI); ctx.fill(); ctx.stroke();
    }
  }
  if (state.variables.length !== 2) return;
  ctx.fillStyle = '#fde725';
  for (const m of state.minimizers.filter((p) => p.length === 2)) {
    ctx.beginPath();
    for (let k = 0; k < 10; ++k) {
      const r = k % 2 ? 3.5 : 8, t = -Math.PI / 2 + k * Math.PI / 5;
      ctx.lineTo(ax.px(m[0]) + r * Math.cos(t), ax.py(m[1]) + r * Math.sin(t));
    }
    ctx.closePath(); ctx.fill(); ctx.stroke();
  }
}

function valueAt1d(x) {
  const c = state.contour.curve, n = c.x.length;
  const t = (x - c.x[0]) / (c.x[n - 1] - c.x[0]) * (n - 1);
  const i = Math.min(Math.max(Math.floor(t), 0), n - 2), u = t - i;
  if (c.f[i] === null || c.f[i + 1] === null) return null;
  return c.f[i] * (1 - u) + c.f[i + 1] * u;
}

function draw() {
  const canvas = $('canvas'), ctx = canvas.getContext('2d');
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  if (!state.contour) return;
  const ax = axes();
  if (state.contour.grid) {
    if (!state.image) state.image = contourImage(ctx, ax);
    ctx.putImageData(state.image, ax.box.x, ax.box.y);
  } else {
    const c = state.contour.curve;
    ctx.strokeStyle = '#3b528b';
    ctx.lineWidth = 2;
    ctx.beginPath();
    let pen = false;
    c.x.forEach((x, k) => {
      if (c.f[k] === null) { pen = false; return; }
      pen ? ctx.lineTo(ax.px(x), ax.py(c.f[k])) : ctx.moveTo(ax.px(x), ax.py(c.f[k]));
      pen = true;
    });
    ctx.stroke();
  }
  drawAxes(ctx, ax);
  drawPaths(ctx, ax);
  drawMarkers(ctx, ax);
  const longest = state.race ? state.race.runs.reduce((a, r) => (r.trace.length > a.trace.length ? r : a)) : null;
  $('step-label').textContent = longest ? 'step ' + stepOf(longest) : '';
}

function fmt(v) { return typeof v === 'number' ? +v.toPrecision(6) : String(v); }

function showResults() {
  const t = $('results');
  t.replaceChildren();
  if (!state.race) return;
  const head = t.insertRow();
  for (const h of ['', 'optimizer', ...state.variables, 'f', '|grad f|', 'steps', 'reason']) {
    const th = document.createElement('th'); th.textContent = h; head.append(th);
  }
  state.race.runs.forEach((run, r) => {
    const row = t.insertRow();
    const sw = document.createElement('span');
    sw.className = 'swatch';
    sw.style.background = state.contour.palette[r % state.contour.palette.length];
    row.insertCell().append(sw);
    for (const v of [state.race.specs[r] || run.optimizer, ...state.variables.map((n) => fmt(run.x[n])), fmt(run.f), fmt(run.grad_norm), run.steps, run.reason]) {
      row.insertCell().textContent = v;
    }
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

// ---- training --------------------------------------------------------------------------------
function parseEvents(buffer, onEvent) {
  let cut;
  while ((cut = buffer.indexOf('\n\n')) >= 0) {
    const block = buffer.slice(0, cut);
    buffer = buffer.slice(cut + 2);
    let name = 'message', data = '';
    for (const line of block.split('\n')) {
      if (line.startsWith('event: ')) name = line.slice(7);
      else if (line.startsWith('data: ')) data += line.slice(6);
    }
    if (data) onEvent(name, JSON.parse(data));
  }
  return buffer;
}

async function startTraining() {
  const tr = state.training;
  if (tr.controller) return;
  writeUrl();
  Object.assign(tr, { id: null, epochs: [], status: 'starting', summary: null, error: null, controller: new AbortController() });
  showError('train-error', null);
  drawTraining();
  const q = new URLSearchParams({ data: $('train-data').value, epochs: $('train-epochs').value, batch_size: $('train-batch').value });
  if ($('train-model').value.trim()) q.set('model', $('train-model').value.trim());
  if ($('train-optimizer').value.trim()) q.set('optimizer', $('train-optimizer').value.trim());
  $('train-start').disabled = true;
  $('train-cancel').disabled = false;
  try {
    const response = await fetch('/api/train?' + q, { signal: tr.controller.signal });
    if (!response.ok) throw new Error((await response.json()).error);
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer = parseEvents(buffer + value, onTrainEvent);
    }
  } catch (e) {
    if (e.name !== 'AbortError') { tr.error = e.message; tr.status = 'failed'; showError('train-error', e.message); }
  }
  tr.controller = null;
  $('train-start').disabled = false;
  $('train-cancel').disabled = true;
  $('train-status').textContent = statusLine();
}

function onTrainEvent(name, data) {
  const tr = state.training;
  if (name === 'start') { tr.id = data.id; tr.status = 'running'; }
  if (name === 'epoch') { tr.epochs.push(data); drawTraining(); }
  if (name === 'done') { tr.summary = data; tr.status = data.reason === 'stopped_by_callback' ? 'cancelled' : 'done'; }
  if (name === 'failed') { tr.error = data.error; tr.status = 'failed'; showError('train-error', data.error); }
  $('train-status').textContent = statusLine();
}

function statusLine() {
  const tr = state.training, last = tr.epochs[tr.epochs.length - 1];
  const metric = last ? ('test_accuracy' in last ? `test accuracy ${fmt(100 * last.test_accuracy)}%` : `test R^2 ${fmt(last.test_r2)}`) : '';
  return `${tr.status}${last ? `: epoch ${last.epoch}, train loss ${fmt(last.train_loss)}, ${metric}` : ''}`;
}

async function cancelTraining() {
  const id = state.training.id;
  if (id === null) { state.training.controller?.abort(); return; }
  await fetch(`/api/train/${id}/cancel`, { method: 'POST' });
}

function drawTraining() {
  const canvas = $('train-canvas'), ctx = canvas.getContext('2d'), eps = state.training.epochs;
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  const box = plotBox(canvas), n = Math.max(2, eps.length);
  ctx.strokeStyle = '#444';
  ctx.strokeRect(box.x, box.y, box.w, box.h);
  const series = [['train_loss', '#d62728'], ['test_loss', '#ff7f0e'], ['test_accuracy', '#1f77b4'], ['test_r2', '#1f77b4']];
  const losses = eps.flatMap((e) => [e.train_loss, e.test_loss]).filter((v) => typeof v === 'number');
  const top = Math.max(1e-9, ...losses);
  for (const [key, color] of series) {
    const pts = eps.filter((e) => typeof e[key] === 'number');
    if (!pts.length) continue;
    const scale = key.startsWith('test_a') || key === 'test_r2' ? 1 : top;
    ctx.strokeStyle = color;
    ctx.lineWidth = 2;
    ctx.beginPath();
    pts.forEach((e, k) => {
      const x = box.x + (e.epoch - 1) / (n - 1) * box.w, y = box.y + box.h * (1 - Math.max(0, e[key]) / scale);
      k ? ctx.lineTo(x, y) : ctx.moveTo(x, y);
    });
    ctx.stroke();
  }
  ctx.fillStyle = '#333';
  ctx.font = '12px sans-serif';
  ctx.fillText('red: train loss, orange: test loss (0 to max); blue: test accuracy or R^2 (0 to 1); x: epoch', box.x, canvas.height - 8);
  const t = $('train-table');
  t.replaceChildren();
  const head = t.insertRow();
  for (const h of ['epoch', 'train loss', 'test loss', 'test metric', 'lr', 'seconds']) {
    const th = document.createElement('th'); th.textContent = h; head.append(th);
  }
  for (const e of eps.slice(-12)) {
    const row = t.insertRow();
    for (const v of [e.epoch, e.train_loss, e.test_loss, e.test_accuracy ?? e.test_r2, e.lr, e.seconds]) row.insertCell().textContent = fmt(v);
  }
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

init();
