// The page's Web Worker: runs one job at a time on a fresh instance of the tool's WebAssembly
// module, so that a large export never freezes the page and nothing outlives a job. It reads
// the picked files when the tool asks for them (FileReaderSync: in a worker, a read may wait),
// passes progress to the page, and turns a stopped module into a sentence's worth of facts.
'use strict';

let engine = null;

self.onmessage = (event) => {
  const message = event.data;
  if (message.type === 'module') {
    engine = message.module;
    self.postMessage({ type: 'ready' });
  } else if (message.type === 'run') {
    self.postMessage(run(message.request, message.files));
  }
};

// The module's only needs beyond the page: reading a picked file, progress, and being told
// why it stopped. Two more imports come from the libraries it is built with (their
// JavaScript bindings, which this page does without): random numbers to seed hash tables,
// and the time (every file the tool writes replaces it with the generation time). Any other
// import is never called; if it were, the job stops with a sentence.
function imports(module, files, state, memory) {
  const text = (ptr, len) => new TextDecoder().decode(new Uint8Array(memory().buffer, ptr, len));
  let last = 0;
  const table = {
    host: {
      read_file(handle, ptr, len) {
        const file = files[handle];
        if (!file || file.size !== len) return 1;
        let bytes;
        try {
          bytes = new FileReaderSync().readAsArrayBuffer(file);
        } catch (e) {
          return 2;
        }
        if (bytes.byteLength !== len) return 1;
        new Uint8Array(memory().buffer, ptr, len).set(new Uint8Array(bytes));
        return 0;
      },
      progress(kind, ptr, len, rows) {
        const now = Date.now();
        // Rows are counted every few thousand; a stage or a sheet is always said.
        if (kind === 1 && now - last < 100) return;
        last = now;
        self.postMessage({ type: 'progress', kind, text: text(ptr, len), rows });
      },
      panicked(ptr, len) {
        state.panic = text(ptr, len);
      },
      out_of_memory(size) {
        state.memory = size;
      },
    },
  };
  for (const wanted of WebAssembly.Module.imports(module)) {
    if (wanted.module === 'host') continue;
    table[wanted.module] = table[wanted.module] || {};
    let provided;
    if (wanted.name.startsWith('__wbg_getRandomValues_')) {
      provided = (ptr, len) => { crypto.getRandomValues(new Uint8Array(memory().buffer, ptr, len)); };
    } else if (wanted.name.startsWith('__wbg_now_')) {
      provided = () => Date.now();
    } else {
      provided = () => {
        state.unexpected = wanted.module + '.' + wanted.name;
        throw new Error('the tool asked the browser for ' + state.unexpected);
      };
    }
    table[wanted.module][wanted.name] = provided;
  }
  return table;
}

function run(request, files) {
  const state = { panic: null, memory: null, unexpected: null };
  let instance = null;
  const memory = () => instance.exports.memory;
  try {
    instance = new WebAssembly.Instance(engine, imports(engine, files, state, memory));
    const asked = new TextEncoder().encode(JSON.stringify(request));
    const at = instance.exports.alloc(asked.length);
    new Uint8Array(memory().buffer, at, asked.length).set(asked);
    const answerAt = instance.exports.run(at, asked.length);
    const length = instance.exports.answer_len();
    const bytes = new Uint8Array(memory().buffer, answerAt, length);
    const jsonLength = new DataView(memory().buffer, answerAt, 4).getUint32(0, true);
    const answer = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + jsonLength)));
    let offset = 4 + jsonLength;
    answer.files = answer.files.map((file) => {
      const blob = new Blob([bytes.subarray(offset, offset + file.size)], { type: file.type });
      offset += file.size;
      return Object.assign({}, file, { blob });
    });
    return { type: 'answer', answer };
  } catch (error) {
    const message = String(error && error.message ? error.message : error);
    if (state.memory !== null || error instanceof RangeError) {
      return { type: 'failed', why: 'memory', size: state.memory, message };
    }
    if (state.panic !== null) return { type: 'failed', why: 'panic', message: state.panic };
    if (state.unexpected !== null) return { type: 'failed', why: 'unexpected', message };
    return { type: 'failed', why: 'stopped', message };
  } finally {
    instance = null;
  }
}
