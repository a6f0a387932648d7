// The page: forms for the tool's jobs, the files its user picks, and the tool's answers shown
// as the command line would print them, with tables and downloads. Every verdict, sentence
// and file comes from the tool (the WebAssembly module, run in a Web Worker); this script
// only gathers the choices and shows what comes back.
'use strict';

const $ = (selector, root = document) => root.querySelector(selector);
const $$ = (selector, root = document) => Array.from(root.querySelectorAll(selector));

// ---------------------------------------------------------------------------------------
// The tool: its module, decoded from this file, and the worker that runs it.

const engine = {
  module: null,
  worker: null,
  workerUrl: null,
  pending: null,

  async start() {
    const status = $('#engine-status');
    try {
      if (typeof DecompressionStream === 'undefined' || typeof WebAssembly === 'undefined' || typeof Worker === 'undefined') {
        throw new Error('it lacks WebAssembly, Web Workers or decompression');
      }
      const text = $('#engine').textContent.trim();
      const packed = Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
      const stream = new Blob([packed]).stream().pipeThrough(new DecompressionStream('gzip'));
      const bytes = await new Response(stream).arrayBuffer();
      this.module = await WebAssembly.compile(bytes);
      this.workerUrl = URL.createObjectURL(new Blob([$('#worker-source').textContent], { type: 'text/javascript' }));
      await this.spawn();
      status.textContent = 'Ready. Everything runs in this browser tab; nothing is sent anywhere.';
      document.body.dataset.engine = 'ready';
    } catch (error) {
      status.textContent = 'This browser cannot run the tool (' + (error && error.message ? error.message : error) +
        '). Open this file in a recent Microsoft Edge, Google Chrome or Mozilla Firefox.';
      status.classList.add('failed');
      document.body.dataset.engine = 'failed';
      for (const button of $$('form.job button[type="submit"]')) button.disabled = true;
    }
  },

  spawn() {
    return new Promise((resolve) => {
      this.worker = new Worker(this.workerUrl);
      this.worker.onmessage = (event) => {
        const message = event.data;
        if (message.type === 'ready') resolve();
        else if (message.type === 'progress') progress.update(message);
        else if (this.pending) {
          const done = this.pending;
          this.pending = null;
          done.resolve(message);
        }
      };
      this.worker.onerror = (event) => {
        event.preventDefault();
        if (this.pending) {
          const done = this.pending;
          this.pending = null;
          done.resolve({ type: 'failed', why: 'stopped', message: event.message || 'the worker stopped' });
        }
      };
      this.worker.postMessage({ type: 'module', module: this.module });
    });
  },

  run(request, files) {
    return new Promise((resolve) => {
      this.pending = { resolve };
      this.worker.postMessage({ type: 'run', request, files });
    });
  },

  // Stops the job in hand: the worker is ended and a new one started.
  async stop() {
    this.worker.terminate();
    const done = this.pending;
    this.pending = null;
    await this.spawn();
    if (done) done.resolve({ type: 'stopped' });
  },
};

// ---------------------------------------------------------------------------------------
// Progress, while a job runs.

const progress = {
  started: 0,
  show(what) {
    this.started = Date.now();
    $('#progress-text').textContent = what;
    $('#progress').hidden = false;
  },
  update(message) {
    const text = $('#progress-text');
    if (message.kind === 0) {
      this.sheet = message.text;
      text.textContent = 'Reading the sheet ' + message.text + '...';
    } else if (message.kind === 1) {
      text.textContent = 'Reading the sheet ' + (this.sheet || '') + ': ' + Math.round(message.rows).toLocaleString('en-GB') + ' rows so far';
    } else if (message.kind === 2) {
      text.textContent = message.text + '...';
    }
  },
  hide() {
    $('#progress').hidden = true;
  },
};

$('#stop').addEventListener('click', () => engine.stop());

// ---------------------------------------------------------------------------------------
// Tabs.

const tabs = $$('[role="tab"]');
function selectTab(tab, focus) {
  for (const t of tabs) {
    const selected = t === tab;
    t.setAttribute('aria-selected', String(selected));
    t.tabIndex = selected ? 0 : -1;
    $('#' + t.getAttribute('aria-controls')).hidden = !selected;
  }
  if (focus) tab.focus();
}
for (const tab of tabs) {
  tab.addEventListener('click', () => selectTab(tab, false));
  tab.addEventListener('keydown', (event) => {
    const i = tabs.indexOf(tab);
    const to = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1 }[event.key];
    if (to === undefined) return;
    event.preventDefault();
    selectTab(tabs[(to + tabs.length) % tabs.length], true);
  });
}

// ---------------------------------------------------------------------------------------
// Quarters: the financial year starts in April; the newest quarter offered is the current one.

function quarterOf(date) {
  const month = date.getUTCMonth() + 1;
  const year = date.getUTCFullYear();
  return month >= 4 ? { year, q: Math.floor((month - 4) / 3) + 1 } : { year: year - 1, q: 4 };
}
function label(p) {
  return p.year + '-' + String((p.year + 1) % 100).padStart(2, '0') + ' Q' + p.q;
}
function previous(p) {
  return p.q === 1 ? { year: p.year - 1, q: 4 } : { year: p.year, q: p.q - 1 };
}
(function fillPeriods() {
  const now = quarterOf(new Date());
  const latestComplete = label(previous(now));
  const all = [];
  for (let p = now; p.year > 2022; p = previous(p)) all.push(label(p));
  for (const select of $$('select[data-periods]')) {
    const kind = select.dataset.periods;
    if (kind === 'optional') select.add(new Option('Not chosen: skip the checks against the period', ''));
    if (kind === 'latest') select.add(new Option('The latest in the archive', ''));
    for (const name of all) select.add(new Option(name, name));
    select.value = kind === 'latest' ? '' : latestComplete;
  }
})();

// ---------------------------------------------------------------------------------------
// Picked files: what each picker holds (files with their paths inside what was picked).

const picks = new Map();

function describe(pick) {
  if (!pick || pick.entries.length === 0) return null;
  if (pick.folder) {
    const n = pick.entries.length;
    return 'Chosen: the folder ' + pick.name + ' (' + n + ' file' + (n === 1 ? '' : 's') + ')';
  }
  const names = pick.entries.map((e) => e.path);
  const size = pick.entries.reduce((sum, e) => sum + e.file.size, 0);
  return 'Chosen: ' + names.join(', ') + ' (' + megabytes(size) + ')';
}

function megabytes(bytes) {
  if (bytes < 1024 * 1024) return Math.max(1, Math.round(bytes / 1024)) + ' KB';
  return (bytes / 1024 / 1024).toFixed(1) + ' MB';
}

// Sets what a pick zone holds (`key` names the zone by its first input's id).
function setPick(zone, pick) {
  const key = zone.querySelector('input[type="file"]').id;
  if (pick && pick.entries.length) picks.set(key, pick);
  else picks.delete(key);
  const chosen = zone.querySelector('.chosen');
  if (!chosen.dataset.empty) chosen.dataset.empty = chosen.innerHTML;
  const said = describe(picks.get(key));
  if (said) {
    chosen.textContent = said;
    chosen.classList.add('has');
  } else {
    chosen.innerHTML = chosen.dataset.empty;
    chosen.classList.remove('has');
  }
}

function fromInput(input) {
  const files = Array.from(input.files);
  if (input.webkitdirectory) {
    const name = files.length ? files[0].webkitRelativePath.split('/')[0] : '';
    return {
      folder: true,
      name,
      entries: files.map((file) => ({ file, path: file.webkitRelativePath.split('/').slice(1).join('/') })),
    };
  }
  return { folder: false, name: '', entries: files.map((file) => ({ file, path: file.name })) };
}

for (const zone of $$('.pick')) {
  for (const input of $$('input[type="file"]', zone)) {
    input.addEventListener('change', () => {
      setPick(zone, fromInput(input));
      input.value = '';
    });
  }
}
for (const button of $$('[data-clear]')) {
  button.addEventListener('click', () => setPick($('#' + button.dataset.clear).closest('.pick'), null));
}

// Dropping: files and folders read through the browser's entries (a folder's files with
// their paths inside it).
function entryFiles(entry, path) {
  return new Promise((resolve) => {
    if (entry.isFile) {
      entry.file((file) => resolve([{ file, path }]), () => resolve([]));
      return;
    }
    const reader = entry.createReader();
    const all = [];
    const more = () => reader.readEntries(async (batch) => {
      if (batch.length === 0) {
        const nested = await Promise.all(all.map((e) => entryFiles(e, path ? path + '/' + e.name : e.name)));
        resolve(nested.flat());
        return;
      }
      all.push(...batch);
      more();
    }, () => resolve([]));
    more();
  });
}

async function dropped(event) {
  const items = Array.from(event.dataTransfer.items || []).filter((i) => i.kind === 'file');
  const entries = items.map((i) => (i.webkitGetAsEntry ? i.webkitGetAsEntry() : null));
  if (entries.length === 1 && entries[0] && entries[0].isDirectory) {
    const files = await entryFiles(entries[0], '');
    return { folder: true, name: entries[0].name, entries: files };
  }
  const files = Array.from(event.dataTransfer.files);
  return { folder: false, name: '', entries: files.map((file) => ({ file, path: file.name })) };
}

// A drop on a panel goes to the zone that takes it: a folder to the first zone for folders,
// an acknowledgements file to its zone, anything else to the first zone marked for drops.
function zoneFor(panel, pick, target) {
  const own = target.closest && target.closest('.pick');
  if (own && panel.contains(own)) return own;
  if (pick.folder) return $$('.pick[data-drop]', panel).find((z) => z.dataset.pick !== 'file') || null;
  const csv = pick.entries.length === 1 && /\.csv$/i.test(pick.entries[0].path);
  if (csv) return $('.pick[data-drop-sidecar]', panel) || null;
  return $('.pick[data-drop]', panel);
}

document.addEventListener('dragover', (event) => {
  event.preventDefault();
  const zone = event.target.closest && event.target.closest('.pick');
  for (const z of $$('.pick.dragging')) if (z !== zone) z.classList.remove('dragging');
  if (zone) zone.classList.add('dragging');
});
document.addEventListener('dragleave', (event) => {
  const zone = event.target.closest && event.target.closest('.pick');
  if (zone && !zone.contains(event.relatedTarget)) zone.classList.remove('dragging');
});
document.addEventListener('drop', async (event) => {
  event.preventDefault();
  for (const z of $$('.pick.dragging')) z.classList.remove('dragging');
  const panel = $('.panel:not([hidden])');
  const pick = await dropped(event);
  // An export dropped with its acknowledgements: each to its own zone.
  if (!pick.folder && pick.entries.length === 2) {
    const ack = pick.entries.find((e) => /\.acknowledgements\.csv$/i.test(e.path));
    const other = pick.entries.find((e) => e !== ack);
    const sidecar = $('.pick[data-drop-sidecar]', panel);
    if (ack && sidecar) {
      setPick(sidecar, { folder: false, name: '', entries: [ack] });
      setPick($('.pick[data-drop]', panel), { folder: false, name: '', entries: [other] });
      return;
    }
  }
  const zone = zoneFor(panel, pick, event.target);
  if (zone) setPick(zone, pick);
});

// ---------------------------------------------------------------------------------------
// Requests: the choices of a form, and the picked files they name by handle.

class Request {
  constructor(job) {
    this.files = [];
    this.body = { now: Math.floor(Date.now() / 1000), job };
  }
  file(entry) {
    this.files.push(entry.file);
    return { path: entry.path, size: entry.file.size, handle: this.files.length - 1 };
  }
  pick(pick) {
    return { name: pick.name, files: pick.entries.map((e) => this.file(e)) };
  }
}

function picked(id) {
  return picks.get(id) || null;
}
function one(id) {
  const p = picked(id);
  return p && p.entries.length ? p.entries[0] : null;
}
// A pick zone holding either a folder or files: whichever was chosen last.
function either(zoneInput) {
  const zone = $('#' + zoneInput).closest('.pick');
  return picks.get(zone.querySelector('input[type="file"]').id) || null;
}

const jobs = {
  validate(form, extra) {
    const exportEntry = one('v-export');
    if (!exportEntry) return 'Choose the export first.';
    const r = new Request('validate');
    r.body.export = r.file(exportEntry);
    const ack = one('v-ack');
    if (ack) r.body.acknowledgements = r.file(ack);
    r.body.period = $('#v-period').value || null;
    r.body.provisional = $('#v-provisional').checked;
    Object.assign(r.body, extra || {});
    return r;
  },
  build() {
    const exportEntry = one('b-export');
    if (!exportEntry) return 'Choose the export first.';
    const r = new Request('build');
    r.body.export = r.file(exportEntry);
    const ack = one('b-ack');
    if (ack) r.body.acknowledgements = r.file(ack);
    r.body.period = $('#b-period').value;
    r.body.provisional = $('#b-provisional').checked;
    r.body.generated_at = $('#b-generated-at').value.trim() || null;
    const archive = picked('b-archive');
    if (archive) r.body.archive = r.pick(archive);
    return r;
  },
  check() {
    const pick = either('c-folder');
    if (!pick) return "Choose the return's folder, or its files, first.";
    const r = new Request('check');
    r.body.pick = r.pick(pick);
    r.body.folder = pick.folder;
    return r;
  },
  diff() {
    const old = either('d-old-folder');
    const now = either('d-new-folder');
    if (!old || !now) return 'Choose both returns first.';
    const r = new Request('diff');
    r.body.old = { pick: r.pick(old), folder: old.folder };
    r.body.new = { pick: r.pick(now), folder: now.folder };
    return r;
  },
  reproduce() {
    const folder = picked('r-folder');
    if (!folder) return "Choose the return's folder first.";
    const r = new Request('reproduce');
    r.body.pick = r.pick(folder);
    const exportEntry = one('r-export');
    if (exportEntry) r.body.export = r.file(exportEntry);
    const archive = picked('r-archive');
    if (archive) r.body.archive = r.pick(archive);
    return r;
  },
  explain() {
    const exportEntry = one('x-export');
    if (!exportEntry) return 'Choose the export first.';
    const r = new Request('explain');
    r.body.export = r.file(exportEntry);
    const ack = one('x-ack');
    if (ack) r.body.acknowledgements = r.file(ack);
    const later = one('x-new');
    if (later) {
      r.body.new = r.file(later);
      const laterAck = one('x-new-ack');
      if (laterAck) r.body.new_acknowledgements = r.file(laterAck);
    }
    r.body.period = $('#x-period').value;
    // As --measure, once for each name: a measure's code holds no space or comma.
    r.body.measures = $('#x-measures').value.split(/[\s,]+/).filter(Boolean);
    r.body.provisional = $('#x-provisional').checked;
    r.body.all = $('#x-all').checked;
    return r;
  },
  scorecard() {
    const archive = picked('s-archive');
    if (!archive) return 'Choose the archive folder first.';
    const r = new Request('scorecard');
    r.body.archive = r.pick(archive);
    for (const name of ['targets', 'benchmarks', 'commentary']) {
      const entry = one('s-' + name);
      if (entry) r.body[name] = r.file(entry);
    }
    r.body.to = $('#s-to').value || null;
    r.body.quarters = Number($('#s-quarters').value) || 8;
    r.body.classification = $('#s-classification').value.trim() || null;
    r.body.publication = $('#s-publication').checked ? Number($('#s-below').value) || 5 : null;
    r.body.generated_at = $('#s-generated-at').value.trim() || null;
    return r;
  },
};

// What the page says when the tool stopped instead of answering.
function failure(message, request) {
  const exportFile = request.body.export ? request.files[request.body.export.handle] : null;
  switch (message.why) {
    case 'memory':
      return 'This browser tab ran out of memory' + (exportFile ? ' working on ' + exportFile.name + ' (' + megabytes(exportFile.size) + ')' : '') +
        '. Close other tabs and try again; for an export this large, use the yjb-return program, which reads it a row at a time.';
    case 'panic':
      return 'The tool failed inside, which is a fault in the tool, not in your files: please report it, with this message: ' + message.message;
    case 'unexpected':
      return 'The tool stopped: ' + message.message + ', which it should never need. Please report it.';
    default:
      return 'The tool stopped while reading the files chosen: the spreadsheet library failed on them, which usually means a file is damaged. ' +
        'Open it in Excel, save it again and try again; the yjb-return program names the fault exactly. (' + message.message + ')';
  }
}

let running = false;

async function runJob(form, extra) {
  if (running) return null;
  const job = form.dataset.job;
  const request = jobs[job](form, extra);
  const results = $('.results', form.closest('.panel'));
  if (typeof request === 'string') {
    results.replaceChildren(banner('failed', request));
    results.focus();
    answered();
    return null;
  }
  running = true;
  for (const b of $$('form.job button[type="submit"], .results button')) b.disabled = true;
  progress.show('Starting...');
  const started = performance.now();
  let message;
  try {
    message = await engine.run(request.body, request.files);
  } finally {
    running = false;
    progress.hide();
    for (const b of $$('form.job button[type="submit"], .results button')) b.disabled = false;
  }
  document.body.dataset.lastJobMs = String(Math.round(performance.now() - started));
  if (message.type === 'stopped') {
    results.replaceChildren(banner('failed', 'Stopped: nothing was made.'));
    results.focus();
    answered();
    return null;
  }
  if (message.type === 'failed') {
    results.replaceChildren(banner('failed', failure(message, request)));
    results.focus();
    answered();
    return null;
  }
  return message.answer;
}

for (const form of $$('form.job')) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const answer = await runJob(form);
    if (!answer) return;
    const results = $('.results', form.closest('.panel'));
    show(form.dataset.job, answer, results, form);
    results.focus();
  });
}

// Every answer shown, counted (what the page's tests wait for).
function answered() {
  document.body.dataset.answers = String(Number(document.body.dataset.answers || 0) + 1);
}

// ---------------------------------------------------------------------------------------
// Answers.

function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'class') node.className = value;
    else node.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

function banner(kind, text) {
  return el('p', { class: 'banner ' + kind, role: 'status' }, text);
}

function bannerKind(answer) {
  return answer.exit === 0 ? 'ok' : answer.exit === 1 ? 'problem' : 'failed';
}

function words(text, open) {
  const pre = el('pre', { class: 'words', tabindex: '0' }, text);
  if (open) return pre;
  return el('details', { class: 'words-box' }, el('summary', {}, 'The same report as on the command line'), pre);
}

const urls = [];
function downloadLink(file) {
  const url = URL.createObjectURL(file.blob);
  urls.push(url);
  return el('a', { class: 'button secondary', href: url, download: file.name, 'data-file': file.name }, 'Download ' + file.name);
}

function downloads(files, except) {
  const list = el('ul', { class: 'downloads' });
  for (const file of files) {
    if (except && except.includes(file.name)) continue;
    list.append(el('li', {}, downloadLink(file), el('span', { class: 'about' }, file.what + ' (' + megabytes(file.size) + ')')));
  }
  return list.children.length ? list : null;
}

function show(job, answer, results, form) {
  // Links made for an earlier answer are let go.
  while (urls.length) URL.revokeObjectURL(urls.pop());
  const parts = [banner(bannerKind(answer), answer.headline)];
  // explain's answers name children: that is said before anything else.
  if (answer.notice) parts.unshift(el('p', { class: 'notice', role: 'note' }, answer.notice));
  const report = answer.json ? JSON.parse(answer.json) : null;
  if (job === 'validate' || job === 'build') {
    if (report && report.summary) parts.push(counts(report.summary));
    if (job === 'build' && answer.exit === 0) {
      parts.push(el('h3', {}, 'The return'));
      parts.push(el('p', {}, 'Download the zip and extract it into your archive folder (Windows makes the folder ' +
        answer.files[0].name.replace(/\.zip$/, '') + ' for you). Enter or upload the figures from return.xlsx in the YJB\'s portal (YJAF). ' +
        'To let Reproduce rebuild it later, put input.xlsx (a copy of the export, which names children: keep it inside the service) in the same folder.'));
      parts.push(downloads(answer.files));
      parts.push(words(answer.text, true));
    } else {
      parts.push(...findingsTable(report, answer.text));
    }
    if (job === 'validate') parts.push(validateDownloads(answer, form));
    if (job === 'build' && answer.exit !== 0) parts.push(words(answer.text, true));
  } else if (job === 'explain') {
    // An export with errors: its findings, as build lists them.
    if (report && report.findings) parts.push(counts(report.summary), ...findingsTable(report, null));
    parts.push(words(answer.text, true));
    parts.push(downloads(answer.files));
  } else if (job === 'scorecard') {
    parts.push(words(answer.text, true));
    parts.push(downloads(answer.files));
    const html = answer.files.find((f) => f.name === 'scorecard.html');
    if (html) {
      const frame = el('iframe', { class: 'scorecard', title: 'The scorecard, as scorecard.html shows it', sandbox: '' });
      html.blob.text().then((text) => { frame.srcdoc = text; });
      parts.push(el('h3', {}, 'The scorecard'), frame);
    }
  } else {
    parts.push(words(answer.text, true));
    if (report && report.findings && report.findings.length && job === 'check') {
      parts.push(el('h3', {}, 'Findings'), ...findingsTable(report, null));
    }
    parts.push(downloads(answer.files));
  }
  if (answer.json && job !== 'build') parts.push(jsonDownload(job, answer));
  results.replaceChildren(...parts.filter(Boolean));
  answered();
}

// The report as `--format json` prints it, for other programs.
function jsonDownload(job, answer) {
  const named = job === 'validate' && answer.json.match(/"file": "([^"\\]*)"/);
  const base = named ? named[1].replace(/\.[^.]*$/, '') + ' ' : '';
  const file = { name: base + job + '.json', blob: new Blob([answer.json], { type: 'application/json' }) };
  return el('p', {}, downloadLink(file), el('span', { class: 'about' }, ' the same report as --format json gives, for other programs'));
}

function counts(summary) {
  const n = (count, one, many) => count + ' ' + (count === 1 ? one : many);
  return el('ul', { class: 'counts' },
    el('li', {}, n(summary.errors, 'error', 'errors')),
    el('li', {}, n(summary.warnings, 'warning', 'warnings')),
    summary.info !== undefined ? el('li', {}, n(summary.info, 'note', 'notes')) : null);
}

function validateDownloads(answer, form) {
  const box = el('div', {}, el('h3', {}, 'Files'));
  const list = downloads(answer.files);
  if (list) box.append(list);
  const make = (what, extra, name) => {
    const button = el('button', { type: 'button', class: 'button secondary' }, what);
    button.addEventListener('click', async () => {
      const again = await runJob(form, extra);
      if (!again) return;
      const file = again.files.find((f) => name.test(f.name));
      if (!file) return;
      const link = downloadLink(file);
      button.replaceWith(link, el('span', { class: 'about' }, ' ' + file.what + ' (' + megabytes(file.size) + ')'));
      link.click();
    });
    return el('p', {}, button);
  };
  box.append(make('Make the issues workbook (.xlsx)', { report: true }, / issues\.xlsx$/));
  box.append(make('Make a pseudonymised copy for a bug report', { redact: true }, / redacted\.xlsx$/));
  return box;
}

// The findings as a table that can be filtered, with how to fix each (from the rule catalogue
// of the JSON report, where it has one).
function findingsTable(report, text) {
  if (!report || !report.findings) return text ? [words(text, true)] : [];
  const findings = report.findings;
  const fixes = new Map((report.rules || []).map((r) => [r.code, r.fix]));
  const parts = [];
  if (report.acknowledgement_notes && report.acknowledgement_notes.length) {
    parts.push(el('div', { class: 'note' }, el('p', {}, 'Acknowledgements not applied:'),
      el('ul', {}, report.acknowledgement_notes.map((n) => el('li', {}, n)))));
  }
  if (text) parts.push(words(text, false));
  if (findings.length === 0) return parts;
  const id = 'f' + Math.random().toString(36).slice(2, 8);
  const severity = el('select', { id: id + '-sev' }, new Option('All', ''),
    ...['fatal', 'error', 'warning', 'info'].filter((s) => findings.some((f) => sev(f) === s))
      .map((s) => new Option(sevWord(s), s)));
  const codes = [...new Set(findings.map((f) => f.code))].sort();
  const rule = el('select', { id: id + '-rule' }, new Option('All', ''),
    ...codes.map((c) => new Option(c + ' (' + findings.filter((f) => f.code === c).length + ')', c)));
  const sheets = [...new Set(findings.map((f) => f.sheet || ''))];
  const sheet = el('select', { id: id + '-sheet' }, new Option('All', ''),
    ...sheets.map((s) => new Option(s || '(the file)', s)));
  const search = el('input', { type: 'search', id: id + '-text', placeholder: 'a child, a value, a word' });
  const shown = el('p', { class: 'shown-count', role: 'status', 'aria-live': 'polite' });
  const body = el('tbody');
  const limit = 2000;
  const fill = () => {
    const s = severity.value, r = rule.value, sh = sheet.value, q = search.value.trim().toLowerCase();
    const matching = findings.filter((f) => (!s || sev(f) === s) && (!r || f.code === r) &&
      (!sh || (f.sheet || '') === sh) && (!q || JSON.stringify(f).toLowerCase().includes(q)));
    body.replaceChildren(...matching.slice(0, limit).map((f) => row(f, fixes)));
    shown.textContent = 'Showing ' + Math.min(matching.length, limit).toLocaleString('en-GB') + ' of ' +
      findings.length.toLocaleString('en-GB') + ' findings' +
      (matching.length > limit ? ': narrow the filters to see the rest, or make the issues workbook, which lists them all.' : '.');
  };
  for (const control of [severity, rule, sheet]) control.addEventListener('change', fill);
  search.addEventListener('input', fill);
  const filter = (control, words) => el('div', {}, el('label', { for: control.id }, words), control);
  parts.push(el('h3', {}, 'Findings'));
  parts.push(el('div', { class: 'filters', role: 'group', 'aria-label': 'Filter the findings' },
    filter(severity, 'Severity'), filter(rule, 'Rule'), filter(sheet, 'Sheet'), filter(search, 'Containing')));
  parts.push(shown);
  const head = el('tr', {}, ['Severity', 'Rule', 'Where', 'Column', 'Value', 'What is wrong', 'The record to correct', 'How to fix it']
    .map((h) => el('th', { scope: 'col' }, h)));
  parts.push(el('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Findings' },
    el('table', { class: 'findings' }, el('thead', {}, head), body)));
  fill();
  return parts;
}

function sev(f) {
  return String(f.severity || '').toLowerCase();
}
function sevWord(s) {
  return { fatal: 'Cannot read', error: 'Error', warning: 'Warning', info: 'Note' }[s] || s;
}

function row(f, fixes) {
  const s = sev(f);
  const where = f.location || f.sheet || '';
  const also = (f.related || []).map((r) => r.location).filter(Boolean);
  const record = f.record ? Object.entries(f.record).map(([k, v]) => k + ' ' + v).join(', ') : '';
  const message = [f.message];
  if (f.acknowledged) message.push(el('br'), el('em', {}, 'Acknowledged: ' + f.acknowledged));
  return el('tr', {},
    el('td', { class: 'sev ' + s }, sevWord(s)),
    el('td', {}, f.code),
    el('td', { class: 'where' }, where, also.length ? el('br') : null, also.length ? 'also ' + also.join(', ') : null),
    el('td', {}, f.header || f.column || ''),
    el('td', { class: 'value' }, f.value === null || f.value === undefined ? '' : f.value),
    el('td', { class: 'message' }, ...message),
    el('td', {}, record),
    el('td', {}, fixes.get(f.code) || ''));
}

engine.start();
