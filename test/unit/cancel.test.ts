import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cleanupDeadline, describeAbort, isTimeout } from '../../src/cluster/cancel.js';

describe('what stopped the work, in words', () => {
  it("the clean-up's own deadline is said as such, never as the --timeout (which the user may not have set)", async () => {
    const signal = cleanupDeadline(20);
    await new Promise((resolve) => setTimeout(resolve, 80));
    assert.equal(signal.aborted, true);
    assert.equal(describeAbort(signal.reason), "the API server did not answer within the clean-up's 0.02 s deadline");
    assert.equal(isTimeout(signal.reason), false);
    const timeout = AbortSignal.timeout(1);
    await new Promise((resolve) => setTimeout(resolve, 40));
    assert.equal(describeAbort(timeout.reason), 'the --timeout passed');
    assert.equal(describeAbort('stdout-failed'), 'stdout cannot be written');
  });
});
