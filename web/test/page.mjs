// The browser page, driven in headless Chromium as an officer would use it, opened from
// file://, and held to the binary: the same findings, the same return byte for byte, the same
// scorecard, the same verdicts of check, diff and reproduce; no network request and no
// console error; every control labelled and reachable by keyboard.
//
//   node web/test/page.mjs [--page target/web/yjb-return.html] [--binary target/debug/yjb-return]
//        [--screenshots DIR] [--bench N] [--huge N]
//
// It needs Debian's chromium (/usr/bin/chromium, or CHROMIUM) and playwright-core from npm
// (PLAYWRIGHT_CORE, by default target/web-test/node_modules/playwright-core), which drives it
// without downloading a browser. With CI set, a missing tool is a failure, never a skip.
// `--bench N` times validate and build of an N-intervention export in the page and in the
// binary (README "Performance"); no test asserts a time. `--huge N` builds from an
// N-intervention export (1000000: Excel's largest sheet) and holds the page to an answer or a
// sentence, never a crashed tab (too slow for CI; README says what it gave).
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import zlib from 'node:zlib';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const pagePath = path.resolve(option('--page', path.join(root, 'target/web/yjb-return.html')));
const binary = path.resolve(option('--binary', path.join(root, 'target/debug/yjb-return')));
const screenshots = option('--screenshots', null);
const bench = option('--bench', null);
const huge = option('--huge', null);
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';
const playwrightPath = process.env.PLAYWRIGHT_CORE || path.join(root, 'target/web-test/node_modules/playwright-core');

function missing(what) {
  const line = `${process.env.CI ? 'FAILED' : 'SKIPPED'} web page tests: ${what}`;
  console.log(line);
  process.exit(process.env.CI ? 1 : 0);
}
if (!fs.existsSync(pagePath)) missing(`${pagePath} is missing: run cargo xtask web`);
if (!fs.existsSync(binary)) missing(`${binary} is missing: run cargo build`);
if (!fs.existsSync(chromiumPath)) missing(`${chromiumPath} is missing: apt-get install chromium`);
if (!fs.existsSync(playwrightPath)) missing(`${playwrightPath} is missing: npm install playwright-core`);
const { chromium } = await import(pathToFileURL(path.join(playwrightPath, 'index.mjs')).href);

const samples = path.join(root, 'samples');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'yjb-web-'));
const GENERATED = '2025-05-01T09:00:00Z';
let failures = 0;
let passed = 0;

async function test(name, body) {
  const started = Date.now();
  try {
    await body();
    passed += 1;
    console.log(`ok - ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  } catch (error) {
    failures += 1;
    console.log(`not ok - ${name}\n  ${String(error && error.stack ? error.stack : error).replace(/\n/g, '\n  ')}`);
  }
}
function assert(condition, message) {
  if (!condition) throw new Error(message);
}
function same(actual, expected, what) {
  if (Buffer.compare(Buffer.from(actual), Buffer.from(expected)) !== 0) {
    const a = Buffer.from(actual).toString('utf8', 0, 2000);
    const e = Buffer.from(expected).toString('utf8', 0, 2000);
    throw new Error(`${what} differs from the binary's (${actual.length} bytes, expected ${expected.length})\n--- page\n${a}\n--- binary\n${e}`);
  }
}

// The binary, run in `cwd`: its standard output and exit status.
function yjb(cwd, ...argv) {
  const r = spawnSync(binary, argv, { cwd, encoding: 'buffer', maxBuffer: 1 << 30 });
  return { out: r.stdout, err: r.stderr.toString(), status: r.status };
}

// The entries of a zip (stored or deflated; the page's zips never need zip64 here).
function unzip(buffer) {
  const eocd = buffer.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  assert(eocd >= 0, 'not a zip');
  const count = buffer.readUInt16LE(eocd + 10);
  let at = buffer.readUInt32LE(eocd + 16);
  const out = new Map();
  for (let i = 0; i < count; i++) {
    const method = buffer.readUInt16LE(at + 10);
    const size = buffer.readUInt32LE(at + 20);
    const nameLength = buffer.readUInt16LE(at + 28);
    const extra = buffer.readUInt16LE(at + 30);
    const comment = buffer.readUInt16LE(at + 32);
    const local = buffer.readUInt32LE(at + 42);
    const name = buffer.toString('utf8', at + 46, at + 46 + nameLength);
    const start = local + 30 + buffer.readUInt16LE(local + 26) + buffer.readUInt16LE(local + 28);
    const data = buffer.subarray(start, start + size);
    out.set(name, method === 0 ? Buffer.from(data) : zlib.inflateRawSync(data));
    at += 46 + nameLength + extra + comment;
  }
  return out;
}

// ---------------------------------------------------------------------------------------

const browser = await chromium.launch({
  executablePath: chromiumPath,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run', '--disable-default-apps', '--disable-extensions'],
});
const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 } });
const requests = [];
const errors = [];
context.on('request', (r) => requests.push(r.url()));
context.on('weberror', (e) => errors.push(`page error: ${e.error()}`));
const page = await context.newPage();
const watch = (p) => p.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') errors.push(`console ${m.type()}: ${m.text()}`); });
watch(page);
page.on('worker', (w) => w.on('console', (m) => { if (m.type() === 'error') errors.push(`worker console: ${m.text()}`); }));
const pageUrl = pathToFileURL(pagePath).href;
await page.goto(pageUrl);
await page.waitForFunction(() => document.body.dataset.engine, null, { timeout: 60000 });

async function tab(name) {
  await page.click(`#tab-${name}`);
}
// Submits the form of the open tab and waits for its answer.
async function submit(panel) {
  const before = await page.evaluate(() => Number(document.body.dataset.answers || 0));
  await page.click(`#${panel} form button[type="submit"]`);
  await page.waitForFunction((n) => Number(document.body.dataset.answers || 0) > n, before, { timeout: 600000 });
  return {
    banner: await page.textContent(`#${panel} .results .banner`),
    ms: await page.evaluate(() => Number(document.body.dataset.lastJobMs)),
  };
}
// Clicks a download link and returns the file. Now and then (one click in a few hundred, never
// the same one) headless Chromium lets a click on a link pass without a download, as its
// limit on a page's downloads may when one follows another quickly; the link is then clicked
// once more, as an officer would, before the test fails.
async function download(panel, file) {
  const link = `#${panel} .results a[data-file="${file}"]`;
  for (const wait of [10000, 30000]) {
    try {
      const [d] = await Promise.all([page.waitForEvent('download', { timeout: wait }), page.click(link)]);
      return fs.readFileSync(await d.path());
    } catch (e) {
      if (wait === 30000 || !String(e).includes('Timeout')) throw e;
      console.log(`# no download from the first click on ${file}: clicked again`);
    }
  }
}
// Types the generation time in a form's advanced settings, opening them as a user would.
async function generatedAt(panel, value) {
  if (!(await page.isVisible(`#${panel} details.advanced input`))) await page.click(`#${panel} details.advanced summary`);
  await page.fill(`#${panel} details.advanced input`, value);
}
async function words(panel) {
  return page.textContent(`#${panel} .results pre.words`);
}

await test('the page starts its engine from file://', async () => {
  assert((await page.evaluate(() => document.body.dataset.engine)) === 'ready', await page.textContent('#engine-status'));
  assert((await page.textContent('#privacy')).includes('Nothing you open here leaves this computer'), 'the privacy line is missing');
});

await test('validate of the flawed sample gives the findings of validate --format json', async () => {
  const dir = path.join(samples, '2024-25');
  await tab('validate');
  await page.setInputFiles('#v-export', path.join(dir, 'flawed-export.xlsx'));
  await page.selectOption('#v-period', '2024-25 Q2');
  const { banner } = await submit('validate');
  const expected = yjb(dir, 'validate', 'flawed-export.xlsx', '--period', '2024-25 Q2', '--format', 'json');
  assert(expected.status === 1, `the binary exited ${expected.status}`);
  same(await download('validate', 'flawed-export validate.json'), expected.out, 'the JSON report');
  const report = JSON.parse(expected.out);
  assert(banner.includes('errors found'), banner);
  const shown = await page.textContent('#validate .shown-count');
  assert(shown.includes(`of ${report.findings.length} findings`), shown);
  assert((await page.$$('#validate table.findings tbody tr')).length === report.findings.length, 'a row per finding');
  // The terminal's words, as `validate --all` prints them but for the file's name.
  const terminal = yjb(dir, 'validate', 'flawed-export.xlsx', '--period', '2024-25 Q2', '--all');
  const text = await page.textContent('#validate .results details pre.words');
  assert(text.startsWith(terminal.out.toString().split('\nNote:')[0].trimEnd()), 'the terminal words differ');
  // Filtering narrows the table.
  await page.selectOption('#validate .filters select >> nth=0', 'warning');
  const warnings = report.findings.filter((f) => f.severity === 'warning').length;
  assert((await page.$$('#validate table.findings tbody tr')).length === warnings, 'the severity filter');
});

await test('validate makes the issues workbook, the pseudonymised copy and the acknowledgements template, as the binary does', async () => {
  const dir = path.join(samples, '2024-25');
  const [d] = await Promise.all([page.waitForEvent('download'), page.click('#validate .results button:has-text("issues workbook")')]);
  const issues = fs.readFileSync(await d.path());
  assert(d.suggestedFilename() === 'flawed-export issues.xlsx', d.suggestedFilename());
  assert(issues.subarray(0, 2).toString() === 'PK', 'the issues workbook is a zip');
  const sheets = unzip(issues).get('xl/workbook.xml').toString();
  for (const sheet of ['Issues', 'Summary', 'By child']) assert(sheets.includes(`name="${sheet}"`), `no ${sheet} sheet`);
  // The program's, byte for byte: its sheets below STREAMED_FROM rows are kept in memory, as
  // the page keeps every sheet.
  const report = path.join(work, 'flawed issues.xlsx');
  yjb(dir, 'validate', 'flawed-export.xlsx', '--period', '2024-25 Q2', '--report', report);
  same(issues, fs.readFileSync(report), 'the issues workbook');
  const [r] = await Promise.all([page.waitForEvent('download'), page.click('#validate .results button:has-text("pseudonymised copy")')]);
  assert(r.suggestedFilename().endsWith('redacted.xlsx'), r.suggestedFilename());
  const redacted = path.join(work, 'flawed redacted.xlsx');
  yjb(dir, 'validate', 'flawed-export.xlsx', '--period', '2024-25 Q2', '--redact', redacted);
  same(fs.readFileSync(await r.path()), fs.readFileSync(redacted), 'the pseudonymised copy');
  const template = await download('validate', 'flawed-export.acknowledgements.csv');
  const out = path.join(work, 'template.csv');
  yjb(dir, 'validate', 'flawed-export.xlsx', '--period', '2024-25 Q2', '--acknowledgements-template', out);
  same(template, fs.readFileSync(out), 'the acknowledgements template');
});

// The archive of the sample's quarters, built by the binary: what the page's builds must equal.
const archive = path.join(work, 'archive');
const quarters = [];
for (const year of ['2023-24', '2024-25']) {
  for (const q of [1, 2, 3, 4]) quarters.push({ year, q, file: path.join(samples, year, `q${q}-export.xlsx`), period: `${year} Q${q}` });
}
for (const { file, period } of quarters) {
  const r = yjb(work, 'build', file, '--period', period, '--archive', archive, '--generated-at', GENERATED);
  assert(r.status === 0, `the binary's build of ${period}: ${r.err}`);
}
{
  const r = yjb(work, 'build', path.join(samples, '2024-25/q3-export-corrected.xlsx'), '--period', '2024-25 Q3', '--archive', archive, '--generated-at', GENERATED);
  assert(r.status === 0, r.err);
}

await test('the built return of every sample quarter equals the binary\'s byte for byte', async () => {
  await tab('build');
  for (const { file, period, year, q } of quarters) {
    await page.setInputFiles('#b-export', file);
    const ack = file.replace(/\.xlsx$/, '.acknowledgements.csv');
    if (fs.existsSync(ack)) await page.setInputFiles('#b-ack', ack);
    else await page.click('#build [data-clear="b-ack"]');
    await page.selectOption('#b-period', period);
    await generatedAt('build', GENERATED);
    const { banner } = await submit('build');
    assert(banner.startsWith(`Built the ${period} return`), banner);
    const folder = `${year}-Q${q}`;
    // The zip holds the return's four files, those the binary filed byte for byte; what the
    // archive keeps beside them (the export, its acknowledgements) is offered on its own.
    const zip = unzip(await download('build', `${folder}.zip`));
    const four = ['manifest.json', 'return.json', 'return.xlsx', 'return.xml'];
    assert(JSON.stringify([...zip.keys()].sort()) === JSON.stringify(four), `${folder}: ${[...zip.keys()]}`);
    for (const name of four) same(zip.get(name), fs.readFileSync(path.join(archive, folder, name)), `${folder}/${name}`);
    same(await download('build', 'return.xlsx'), fs.readFileSync(path.join(archive, folder, 'return.xlsx')), 'return.xlsx');
    for (const name of fs.readdirSync(path.join(archive, folder)).filter((n) => n.startsWith('input.'))) {
      same(await download('build', name), fs.readFileSync(path.join(archive, folder, name)), `${folder}/${name}`);
    }
  }
});

await test('build refuses an export with errors, and builds a provisional return as the binary does', async () => {
  await page.setInputFiles('#b-export', path.join(samples, '2024-25/flawed-export.xlsx'));
  await page.click('#build [data-clear="b-ack"]');
  await page.selectOption('#b-period', '2024-25 Q2');
  const refused = await submit('build');
  assert(refused.banner === 'The return was not built', refused.banner);
  assert((await words('build')).includes('The return was not built: fix the errors above'), 'the refusal says why');
  const prov = 'q4-provisional-export.xlsx';
  await page.setInputFiles('#b-export', path.join(samples, '2024-25', prov));
  await page.setInputFiles('#b-ack', path.join(samples, '2024-25', 'q4-provisional-export.acknowledgements.csv'));
  await page.selectOption('#b-period', '2024-25 Q4');
  await page.check('#b-provisional');
  await generatedAt('build', GENERATED);
  const built = await submit('build');
  await page.uncheck('#b-provisional');
  assert(built.banner.startsWith('PROVISIONAL return'), built.banner);
  const out = path.join(work, 'provisional');
  const r = yjb(work, 'build', path.join(samples, '2024-25', prov), '--period', '2024-25 Q4', '--provisional', '--archive', out, '--generated-at', GENERATED);
  assert(r.status === 0, r.err);
  const zip = unzip(await download('build', '2024-25-Q4-provisional.zip'));
  assert(zip.size === 4, `the provisional zip holds ${[...zip.keys()]}`);
  for (const [name, bytes] of zip) same(bytes, fs.readFileSync(path.join(out, '2024-25-Q4-provisional', name)), name);
});

await test('check, diff and reproduce give the binary\'s verdicts', async () => {
  await tab('check');
  await page.setInputFiles('#c-folder', path.join(archive, '2024-25-Q2'));
  const checked = await submit('check');
  const expected = yjb(archive, 'check', '2024-25-Q2', '--format', 'json');
  same(await download('check', 'check.json'), expected.out, 'check --format json');
  assert(checked.banner === 'Verdict: passed: fit to send', checked.banner);
  same(Buffer.from(await words('check')), yjb(archive, 'check', '2024-25-Q2').out, 'the words of check');

  await tab('diff');
  await page.setInputFiles('#d-old-folder', path.join(archive, '2024-25-Q3'));
  await page.setInputFiles('#d-new-folder', path.join(archive, '2024-25-Q3-resubmission-2'));
  await submit('diff');
  const diff = yjb(archive, 'diff', '2024-25-Q3', '2024-25-Q3-resubmission-2', '--format', 'json');
  assert(diff.status === 1, `diff exited ${diff.status}`);
  same(await download('diff', 'diff.json'), diff.out, 'diff --format json');
  same(Buffer.from(await words('diff')), yjb(archive, 'diff', '2024-25-Q3', '2024-25-Q3-resubmission-2').out, 'the words of diff');

  await tab('reproduce');
  await page.setInputFiles('#r-folder', path.join(archive, '2024-25-Q2'));
  const reproduced = await submit('reproduce');
  assert(reproduced.banner.startsWith('Reproduced') || !reproduced.banner.startsWith('NOT'), reproduced.banner);
  const expectedR = yjb(archive, 'reproduce', '2024-25-Q2', '--format', 'json');
  assert(expectedR.status === 0, `reproduce exited ${expectedR.status}: ${expectedR.err}`);
  same(await download('reproduce', 'reproduce.json'), expectedR.out, 'reproduce --format json');
});

await test('the scorecard of the sample archive equals the binary\'s scorecard.json', async () => {
  const board = path.join(work, 'board');
  const csvs = ['targets', 'benchmarks', 'commentary'];
  const r = yjb(work, 'scorecard', archive, '--out', board, '--generated-at', GENERATED,
    ...csvs.flatMap((c) => [`--${c}`, path.join(samples, `${c}.csv`)]));
  assert(r.status === 0, r.err);
  await tab('scorecard');
  await page.setInputFiles('#s-archive', archive);
  for (const c of csvs) await page.setInputFiles(`#s-${c}`, path.join(samples, `${c}.csv`));
  await generatedAt('scorecard', GENERATED);
  const made = await submit('scorecard');
  assert(made.banner.startsWith('Wrote the scorecard of'), made.banner);
  same(await download('scorecard', 'scorecard.json'), fs.readFileSync(path.join(board, 'scorecard.json')), 'scorecard.json');
  same(await download('scorecard', 'scorecard.xlsx'), fs.readFileSync(path.join(board, 'scorecard.xlsx')), 'scorecard.xlsx');
  const frame = page.frameLocator('#scorecard iframe.scorecard');
  assert((await frame.locator('body').textContent()).includes('Scorecard to'), 'the scorecard is shown in the page');
});

// explain: the same words, JSON and workbook as the binary, which reads an export's
// acknowledgements from beside it (the page is given them).
const NOTICE = 'Contains case identifiers: keep inside the service.';
async function explainIn(p, file, period, measures, later) {
  const dir = path.join(samples, '2024-25');
  await p.setInputFiles('#x-export', path.join(dir, file));
  const ack = path.join(dir, file.replace(/\.xlsx$/, '.acknowledgements.csv'));
  if (fs.existsSync(ack)) await p.setInputFiles('#x-ack', ack);
  else await p.click('#explain [data-clear="x-ack"]');
  if (later) {
    await p.setInputFiles('#x-new', path.join(dir, later));
    await p.setInputFiles('#x-new-ack', path.join(dir, later.replace(/\.xlsx$/, '.acknowledgements.csv')));
  } else {
    await p.click('#explain [data-clear="x-new"]');
    await p.click('#explain [data-clear="x-new-ack"]');
  }
  await p.selectOption('#x-period', period);
  await p.fill('#x-measures', measures);
}

await test('explain of kpi1.all.suitable gives the binary\'s words (with --all too) and JSON, the notice first', async () => {
  const dir = path.join(samples, '2024-25');
  await tab('explain');
  await explainIn(page, 'q4-export.xlsx', '2024-25 Q4', 'kpi1.all.suitable');
  const { banner } = await submit('explain');
  assert(banner === 'Explained 1 measure(s) of 2024-25 Q4', banner);
  const first = await page.$eval('#explain .results', (r) => ({ tag: r.firstElementChild.className, text: r.firstElementChild.textContent }));
  assert(first.tag === 'notice' && first.text === NOTICE, `the notice is not first: ${JSON.stringify(first)}`);
  const argv = ['explain', 'q4-export.xlsx', '--period', '2024-25 Q4', '--measure', 'kpi1.all.suitable'];
  const terminal = yjb(dir, ...argv);
  assert(terminal.status === 0, `the binary exited ${terminal.status}: ${terminal.err}`);
  same(Buffer.from(await words('explain')), terminal.out, 'the words of explain');
  const json = yjb(dir, ...argv, '--format', 'json');
  assert(json.status === 0, json.err);
  same(await download('explain', 'explain.json'), json.out, 'explain --format json');
  // A section, every line.
  await page.fill('#x-measures', 'kpi1');
  await page.check('#x-all');
  await submit('explain');
  await page.uncheck('#x-all');
  const all = yjb(dir, 'explain', 'q4-export.xlsx', '--period', '2024-25 Q4', '--measure', 'kpi1', '--all');
  assert(all.status === 0, all.err);
  same(Buffer.from(await words('explain')), all.out, 'the words of explain --measure kpi1 --all');
});

await test('explain\'s workbook of every measure equals the binary\'s --out explain.xlsx byte for byte', async () => {
  const dir = path.join(samples, '2024-25');
  await explainIn(page, 'q4-export.xlsx', '2024-25 Q4', '');
  const { banner } = await submit('explain');
  assert(banner.startsWith('Explained '), banner);
  const out = path.join(work, 'explain.xlsx');
  const r = yjb(dir, 'explain', 'q4-export.xlsx', '--period', '2024-25 Q4', '--out', out);
  assert(r.status === 0, r.err);
  same(await download('explain', 'explain.xlsx'), fs.readFileSync(out), 'explain.xlsx');
  const json = yjb(dir, 'explain', 'q4-export.xlsx', '--period', '2024-25 Q4', '--format', 'json');
  same(await download('explain', 'explain.json'), json.out, 'explain --format json of every measure');
  // With no measure named, the words are those of --measure "*".
  same(Buffer.from(await words('explain')), yjb(dir, 'explain', 'q4-export.xlsx', '--period', '2024-25 Q4', '--measure', '*').out,
    'the words of explain --measure "*"');
});

await test('explain of the Q3 export against the corrected one names the record that moved, as the binary does', async () => {
  const dir = path.join(samples, '2024-25');
  await explainIn(page, 'q3-export.xlsx', '2024-25 Q3', '', 'q3-export-corrected.xlsx');
  const { banner } = await submit('explain');
  assert(banner.startsWith('2 measure(s) of 2024-25 Q3 differ'), banner);
  const argv = ['explain', 'q3-export.xlsx', 'q3-export-corrected.xlsx', '--period', '2024-25 Q3'];
  const terminal = yjb(dir, ...argv);
  assert(terminal.status === 0, terminal.err);
  const text = await words('explain');
  same(Buffer.from(text), terminal.out, 'the words of explain OLD NEW');
  assert(text.includes('entered child_id NSH-1015, intervention_id NSH-I-0053 (Interventions row 55)'), text);
  same(await download('explain', 'explain.json'), yjb(dir, ...argv, '--format', 'json').out, 'explain OLD NEW --format json');
  assert(!(await page.isVisible('#explain .results a[data-file="explain.xlsx"]')), 'no workbook of a comparison');
});

await test('explain refuses an export with errors with the binary\'s findings, and an unknown measure with its sentence', async () => {
  const dir = path.join(samples, '2024-25');
  await explainIn(page, 'flawed-export.xlsx', '2024-25 Q2', 'kpi1');
  const refused = await submit('explain');
  assert(refused.banner === 'Nothing was explained: flawed-export.xlsx has errors', refused.banner);
  const json = yjb(dir, 'explain', 'flawed-export.xlsx', '--period', '2024-25 Q2', '--measure', 'kpi1', '--format', 'json');
  assert(json.status === 1, `the binary exited ${json.status}`);
  same(await download('explain', 'explain.json'), json.out, 'the refused export\'s findings');
  assert((await page.$$('#explain table.findings tbody tr')).length === JSON.parse(json.out).findings.length, 'a row per finding');
  assert((await words('explain')).startsWith(NOTICE), 'the refusal says the notice first');

  await explainIn(page, 'q4-export.xlsx', '2024-25 Q4', 'kpi1.all.suitible');
  const unknown = await submit('explain');
  const r = yjb(dir, 'explain', 'q4-export.xlsx', '--period', '2024-25 Q4', '--measure', 'kpi1.all.suitible');
  assert(r.status === 2, `the binary exited ${r.status}`);
  assert(unknown.banner.startsWith('no measure is called "kpi1.all.suitible" (the nearest: kpi1.all.suitable'), unknown.banner);
  assert(r.err.trim() === `yjb-return: --measure: ${unknown.banner}`, `the binary said ${r.err}`);
  await page.fill('#x-measures', '');
});

await test('every control is labelled and reachable by keyboard', async () => {
  for (const name of ['validate', 'build', 'check', 'diff', 'reproduce', 'explain', 'scorecard']) {
    await tab(name);
    const unlabelled = await page.evaluate((panel) => {
      const name = (el) => {
        const by = el.getAttribute('aria-labelledby');
        if (by) return by.split(' ').map((id) => document.getElementById(id)?.textContent || '').join(' ').trim();
        if (el.getAttribute('aria-label')) return el.getAttribute('aria-label');
        if (el.labels && el.labels.length) return Array.from(el.labels).map((l) => l.textContent).join(' ').trim();
        return (el.textContent || '').trim();
      };
      return Array.from(document.querySelectorAll(`#${panel} input, #${panel} select, #${panel} button, #${panel} summary`))
        .filter((el) => !name(el)).map((el) => el.outerHTML.slice(0, 80));
    }, name);
    assert(unlabelled.length === 0, `unlabelled in ${name}: ${unlabelled}`);
    // Tab from the tab itself through the form: every control of the form is reached.
    await page.focus(`#tab-${name}`);
    const reached = new Set();
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press('Tab');
      const id = await page.evaluate(() => document.activeElement && (document.activeElement.id || document.activeElement.tagName));
      reached.add(id);
    }
    const wanted = await page.evaluate((panel) => Array.from(document.querySelectorAll(`#${panel} form input, #${panel} form select`))
      .filter((el) => !el.closest('details:not([open])')).map((el) => el.id), name);
    const missed = wanted.filter((id) => !reached.has(id));
    assert(missed.length === 0, `not reached by Tab in ${name}: ${missed}`);
  }
  // The tabs themselves: arrow keys move between them.
  await page.focus('#tab-validate');
  await page.keyboard.press('ArrowRight');
  assert((await page.evaluate(() => document.activeElement.id)) === 'tab-build', 'ArrowRight moves to the next tab');
  assert(await page.isVisible('#build'), 'the build panel shows');
});

if (screenshots) {
  await test('screenshots at 100% and 200%', async () => {
    fs.mkdirSync(screenshots, { recursive: true });
    await tab('validate');
    await page.screenshot({ path: path.join(screenshots, 'validate-100.png'), fullPage: true });
    for (const name of ['build', 'scorecard', 'check']) {
      await tab(name);
      await page.screenshot({ path: path.join(screenshots, `${name}-100.png`), fullPage: true });
    }
    await tab('explain');
    await explainIn(page, 'q4-export.xlsx', '2024-25 Q4', 'kpi1.all.suitable');
    await submit('explain');
    await page.screenshot({ path: path.join(screenshots, 'explain-100.png'), fullPage: true });
    // 200%: half the width in CSS pixels, twice the device pixels, as the browser's zoom does.
    const zoomed = await context.browser().newContext({ viewport: { width: 640, height: 450 }, deviceScaleFactor: 2 });
    const z = await zoomed.newPage();
    await z.goto(pageUrl);
    await z.waitForFunction(() => document.body.dataset.engine === 'ready');
    await z.setInputFiles('#v-export', path.join(samples, '2024-25/flawed-export.xlsx'));
    await z.selectOption('#v-period', '2024-25 Q2');
    await z.click('#validate form button[type="submit"]');
    await z.waitForFunction(() => Number(document.body.dataset.answers || 0) > 0);
    await z.screenshot({ path: path.join(screenshots, 'validate-200.png'), fullPage: true });
    await z.click('#tab-build');
    await z.screenshot({ path: path.join(screenshots, 'build-200.png'), fullPage: true });
    await z.click('#tab-explain');
    await explainIn(z, 'q4-export.xlsx', '2024-25 Q4', 'kpi1.all.suitable');
    await z.click('#explain form button[type="submit"]');
    await z.waitForFunction(() => Number(document.body.dataset.answers || 0) > 1);
    await z.screenshot({ path: path.join(screenshots, 'explain-200.png'), fullPage: true });
    await zoomed.close();
  });
}

if (bench) {
  await test(`bench: validate and build of a ${bench}-intervention export, page against binary`, async () => {
    const file = path.join(work, `bench-${bench}.xlsx`);
    execFileSync('cargo', ['run', '--quiet', '--release', '-p', 'xtask', '--', 'bench-generate', bench, file], { cwd: root, stdio: 'inherit' });
    const rounds = 5;
    const timeBinary = (...argv) => {
      const t = process.hrtime.bigint();
      yjb(work, ...argv);
      return Number(process.hrtime.bigint() - t) / 1e6;
    };
    const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const rows = [];
    for (const job of ['validate', 'build']) {
      const binaryMs = [];
      const pageMs = [];
      await tab(job);
      const prefix = job === 'validate' ? 'v' : 'b';
      await page.setInputFiles(`#${prefix}-export`, file);
      await page.click(`#${job} [data-clear="${prefix}-ack"]`);
      await page.selectOption(`#${prefix}-period`, '2024-25 Q2');
      for (let i = 0; i < rounds; i++) {
        binaryMs.push(job === 'validate'
          ? timeBinary('validate', file, '--period', '2024-25 Q2')
          : timeBinary('build', file, '--period', '2024-25 Q2', '--out', path.join(work, `b${i}`)));
        pageMs.push((await submit(job)).ms);
      }
      rows.push({ job, binary: median(binaryMs), page: median(pageMs) });
    }
    for (const r of rows) {
      console.log(`  ${r.job}: binary ${(r.binary / 1000).toFixed(2)} s, page ${(r.page / 1000).toFixed(2)} s, ratio ${(r.page / r.binary).toFixed(2)}`);
    }
  });
}

if (huge) {
  await test(`a ${huge}-intervention export is built or refused with a sentence, never a crashed tab`, async () => {
    const file = path.join(work, `huge-${huge}.xlsx`);
    execFileSync('cargo', ['run', '--quiet', '--release', '-p', 'xtask', '--', 'bench-generate', huge, file], { cwd: root, stdio: 'inherit' });
    await tab('build');
    await page.setInputFiles('#b-export', file);
    await page.click('#build [data-clear="b-ack"]');
    await page.selectOption('#b-period', '2024-25 Q2');
    await generatedAt('build', GENERATED);
    const { banner, ms } = await submit('build');
    console.log(`  ${huge} interventions (${(fs.statSync(file).size / 1e6).toFixed(1)} MB): "${banner.slice(0, 160)}" after ${(ms / 1000).toFixed(1)} s`);
    assert(banner.startsWith('Built the 2024-25 Q2 return') || banner.includes('ran out of memory'), banner);
    // The page still works: a small job after it is answered.
    await tab('validate');
    await page.setInputFiles('#v-export', path.join(samples, '2024-25/q2-export.xlsx'));
    await page.selectOption('#v-period', '2024-25 Q2');
    const after = await submit('validate');
    assert(after.banner.includes('passed') || after.banner.includes('Verdict'), after.banner);
  });
}

await test('the page made no network request and logged no error', async () => {
  const foreign = requests.filter((u) => u !== pageUrl && !u.startsWith('blob:') && !u.startsWith('data:'));
  assert(foreign.length === 0, `requests: ${foreign}`);
  assert(errors.length === 0, errors.join('\n'));
});

await browser.close();
fs.rmSync(work, { recursive: true, force: true });
console.log(`${passed} passed, ${failures} failed`);
process.exit(failures ? 1 : 0);
