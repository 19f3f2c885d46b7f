// Preloaded into Azurite (NODE_OPTIONS=--require) by Azurite.cs when a test or benchmark needs storage time to pass
// faster than real time, e.g. the 10-minute lease a crashed queue listener leaves on its messages.
// On SIGUSR2 the emulator's clock moves forward by the milliseconds written in AZURITE_CLOCK_FILE.
'use strict';
const fs = require('fs');
const RealDate = Date;
let offset = 0;

class ShiftedDate extends RealDate {
  constructor(...args) {
    if (args.length === 0) super(RealDate.now() + offset);
    else super(...args);
  }

  static now() {
    return RealDate.now() + offset;
  }
}

globalThis.Date = ShiftedDate;
process.on('SIGUSR2', () => {
  offset += Number(fs.readFileSync(process.env.AZURITE_CLOCK_FILE, 'utf8'));
  console.log(`Azurite clock shifted: +${offset} ms`);
});
