import { readdir, readFile } from 'node:fs/promises';

/** The command line of every live process, read from /proc. */
async function commandLines(): Promise<string[]> {
  const lines = await Promise.all(
    (await readdir('/proc'))
      .filter(p => /^\d+$/.test(p))
      .map(pid => readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => ''))
  );
  return lines.map(line => line.split('\0').join(' ').trim()).filter(Boolean);
}

/** The processes still running whose command line names any of `dirs`: what a run left behind. */
export async function processesUnder(dirs: string[]): Promise<string[]> {
  return (await commandLines()).filter(line => dirs.some(dir => line.includes(dir)));
}

/**
 * Watches every process's command line (what `ps` shows) while a run goes on, every 20 ms, and
 * keeps those that hold any of `secrets`. Stop it to get them.
 */
export function watchCommandLines(secrets: string[]): { stop: () => Promise<string[]> } {
  const seen: string[] = [];
  let running = true;
  const sample = async (): Promise<void> => {
    for (const args of await commandLines()) if (secrets.some(s => args.includes(s))) seen.push(args);
  };
  const loop = (async () => {
    let samples = 0;
    while (running) {
      await sample();
      samples++;
      await new Promise(resolve => setTimeout(resolve, 20));
    }
    return samples;
  })();
  return {
    stop: async () => {
      running = false;
      const samples = await loop;
      if (samples < 2) throw new Error('the command lines were not sampled while the run went on');
      return seen;
    }
  };
}
