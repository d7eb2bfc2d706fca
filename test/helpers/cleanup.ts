import { afterAll } from '@jest/globals';
import { removeTempDirs } from './temp-dirs.js';

// A containerd-store run leaves its ~100 MB cache export in its run directory: a machine that
// runs the tests again and again would fill its disk with them.
afterAll(removeTempDirs);
