#!/usr/bin/env node
import { main } from './cli/program.js';

const code = await main(process.argv);
// `orch serve` never returns from main; every other command ends here. Exit explicitly so a
// store's background handle cannot keep a finished command alive.
process.exit(code);
