'use strict';
// Microsoft's DAP test client (@vscode/debugadapter-testsupport) drives
// `vmscope dap`: launch, a breakpoint hit, a step and a clean end; then a
// logpoint and stepping back. A client written by someone else checks the
// framing and the request/event sequence.
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

test('a logpoint writes without stopping, and steps go back', { timeout: 60000 }, async () => {
  assert.ok(ADAPTER, 'VMSCOPE_ADAPTER names the vmscope executable');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmscope-dap-'));
  const program = path.join(dir, 'loop.vms');
  fs.writeFileSync(program, PROGRAM);

  const dc = new DebugClient(ADAPTER, 'dap', 'vmscope');
  dc.defaultTimeout = 15000;
  await dc.start();
  try {
    const caps = (await dc.initializeRequest()).body;
    assert.equal(caps.supportsLogPoints, true);
    assert.equal(caps.supportsStepBack, true);
    // `initialized` follows the launch response at once: listen for it first
    await Promise.all([dc.waitForEvent('initialized'), dc.launchRequest({ program })]);
    const set = await dc.setBreakpointsRequest({
      source: { path: program },
      breakpoints: [{ line: 7, logMessage: 'at {i}: {total}' }, { line: 9 }],
    });
    assert.deepEqual(set.body.breakpoints.map((bp) => bp.verified), [true, true]);
    await Promise.all([
      dc.assertOutput('console', 'at 0: 0\nat 1: 1\nat 2: 3\nat 3: 6\n'),
      dc.configurationDoneRequest(),
      dc.assertStoppedLocation('breakpoint', { path: program, line: 9 }),
    ]);

    // back out of the loop's end, to its last print, by line and then by statement
    await Promise.all([
      dc.stepBackRequest({ threadId: 1, granularity: 'line' }),
      dc.assertStoppedLocation('step', { path: program, line: 5 }),
    ]);
    await Promise.all([
      dc.stepBackRequest({ threadId: 1, granularity: 'line' }),
      dc.assertStoppedLocation('step', { path: program, line: 8 }),
    ]);
    await Promise.all([
      dc.stepBackRequest({ threadId: 1 }),
      dc.assertStoppedLocation('step', { path: program, line: 7 }),
    ]);
    const total = await dc.evaluateRequest({ expression: 'total', frameId: 1, context: 'watch' });
    assert.equal(total.body.result, '6');

    await dc.setBreakpointsRequest({ source: { path: program }, breakpoints: [] });

    await Promise.all([
      dc.waitForEvent('exited').then((event) => assert.equal(event.body.exitCode, 0)),
      dc.waitForEvent('terminated'),
      dc.continueRequest({ threadId: 1 }),
    ]);
  } finally {
    await dc.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
