// Drawing for `descent serve`'s page: the filled contour in the server's levels and colours
// (the PNG plots'), or the curve of a one-variable f, the optimizers' paths up to the slider's
// step, the start and the known minimizers. Shares app.js's globals ($, state, numbers, ...).
'use strict';

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

