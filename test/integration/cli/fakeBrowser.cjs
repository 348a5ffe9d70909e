'use strict';
/**
 * A stand-in for the user's browser, for the CLI's sign-in tests: the CLI starts it through $BROWSER
 * (`node fakeBrowser.cjs <visits-file> %s`). It appends the URL it was given to <visits-file>, then
 * GETs it and follows the redirects, like a browser whose user approves at once (the fixture runs in
 * auto-approve mode), ending at the CLI's loopback callback. Loopback only; it never leaves 127.0.0.1.
 * FAKE_BROWSER_DELAY_MS=<ms> plays a person who takes that long at the consent page before approving.
 */
const fs = require('node:fs');

async function main() {
  const [visitsFile, start] = process.argv.slice(2);
  fs.appendFileSync(visitsFile, `${start}\n`);
  const delayMs = Number(process.env.FAKE_BROWSER_DELAY_MS ?? 0);
  if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
  let url = new URL(start);
  for (let hop = 0; hop < 10; hop++) {
    if (url.hostname !== '127.0.0.1' && url.hostname !== 'localhost') {
      throw new Error(`fake browser: refusing ${url.origin}`);
    }
    const response = await fetch(url, { redirect: 'manual' });
    const location = response.headers.get('location');
    const body = await response.text();
    if (response.status >= 300 && response.status < 400 && location) {
      url = new URL(location, url);
      continue;
    }
    fs.appendFileSync(
      visitsFile,
      `page ${response.status} ${body.includes('You are signed in') ? 'signed-in' : 'other'}\n`,
    );
    return;
  }
  throw new Error('fake browser: too many redirects');
}

main().catch((e) => {
  fs.appendFileSync(process.argv[2], `error ${e.message}\n`);
  process.exit(1);
});
