import { loadConfigDir, resolveScenarioObject, Simulation } from '@doppel/twin';
import { linePack } from '@doppel/pack-line';
const packs = [linePack];
const base = loadConfigDir('examples/line/config', 'baseline_8hr', { packs });
const scenario = resolveScenarioObject(
  {
    doppel: 1,
    pack: 'line',
    start: base.start,
    duration: base.durationS,
    seed: base.seed,
    line: { ...(base.config as object), lines: 10 },
  },
  { packs, fileName: 'p.yaml' },
);
const sim = await Simulation.create({ scenario, packs, store: null });
sim.runToEnd();
