'use strict';
// Microsoft's DAP test client (@vscode/debugadapter-testsupport) drives
// `vmscope dap`: launch, a breakpoint hit, a step and a clean end. A client
// written by someone else checks the framing and the request/event sequence.
// Run by tests/test_dap_node.py, which sets VMSCOPE_ADAPTER to the `vmscope`
// executable (`node --test` in this folder after `npm ci`).

const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { DebugClient } = require('@vscode/debugadapter-testsupport');

const ADAPTER = process.env.VMSCOPE_ADAPTER;

const PROGRAM = [
  'let total = 0',
  'fn add(a, b) {',
  '  return a + b',
  '}',
  'for i in range(4) {',
  '  total = add(total, i)',
  '  print("total", total)',
  '}',
  'print("done")',
  '',
].join('\n');

test('launch, a breakpoint hit, a step and a clean end', { timeout: 60000 }, async () => {
  assert.ok(ADAPTER, 'VMSCOPE_ADAPTER names the vmscope executable');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmscope-dap-'));
  const program = path.join(dir, 'loop.vms');
  fs.writeFileSync(program, PROGRAM);

  const dc = new DebugClient(ADAPTER, 'dap', 'vmscope');
  dc.defaultTimeout = 15000;
  await dc.start();
  try {
    // initialize, launch, initialized, setBreakpoints, configurationDone, stopped
    await dc.hitBreakpoint({ program }, { path: program, line: 6 });

    const trace = await dc.stackTraceRequest({ threadId: 1 });
    assert.equal(trace.body.stackFrames[0].name, '<main>');
    assert.ok(trace.body.stackFrames[0].instructionPointerReference);

    await Promise.all([
      dc.nextRequest({ threadId: 1 }),
      dc.assertStoppedLocation('step', { path: program, line: 7 }),
    ]);

    await dc.setBreakpointsRequest({ source: { path: program }, breakpoints: [] });
    await Promise.all([
      dc.assertOutput('stdout', 'total 0\ntotal 1\ntotal 3\ntotal 6\ndone\n'),
      dc.waitForEvent('exited').then((event) => assert.equal(event.body.exitCode, 0)),
      dc.waitForEvent('terminated'),
      dc.continueRequest({ threadId: 1 }),
    ]);
  } finally {
    await dc.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
