// The Train view of `descent serve`'s page: starts a training run on the server and draws the
// epochs as they stream in (server-sent events over fetch, so that a refused request's message
// can be shown), with a cancel button. Shares app.js's globals ($, state, fmt, showError, ...).
'use strict';

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

