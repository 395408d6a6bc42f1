// Jest's default order, plus a note for globalSetup (which does not see the test list) that the
// portal's browser suite is selected, so Chromium is only required when it will run.
const Sequencer = require('@jest/test-sequencer').default;

const BROWSER_SUITE = /apps[\\/]portal[\\/]test[\\/].*\.e2e\.spec\.ts$/;
const BROWSER_SUITE_SELECTED = 'SPOT_BROWSER_SUITE_SELECTED'; // = BROWSER_SUITE_SELECTED in test/support/chromium.ts

class SpotTestSequencer extends Sequencer {
  sort(tests) {
    if (tests.some((test) => BROWSER_SUITE.test(test.path))) process.env[BROWSER_SUITE_SELECTED] = '1';
    return super.sort(tests);
  }
}

module.exports = SpotTestSequencer;
