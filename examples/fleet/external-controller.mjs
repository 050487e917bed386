#!/usr/bin/env node
// A reference peer of the step protocol (docs/fleet.md): an external process that drives a fleet simulation step by
// step, as a reinforcement-learning trainer, CARLA, Gazebo, Unity or a custom physics engine would. Each episode it
// resets a typed scenario with a seed, then reads the observation, decides the ego's acceleration with its own
// time-gap controller (or brakes hard, or coasts) and steps, until the episode terminates or is truncated.
//
//   npm start                                         # the twin; note the key it prints
//   node examples/fleet/external-controller.mjs --key dpl_... --seed 7 --episodes 2
//
// Options: --url (http://127.0.0.1:8080), --key (or DOPPEL_API_KEY), --scenario (emergency_braking),
// --speed (initial_speed, km/h: 60), --seed (1; episode e runs seed + e), --episodes (1), --dt (0.1),
// --controller time-gap | brake | coast (time-gap), --max-steps (0 = until the episode ends),
// --drop-after N (leave without a goodbye after N steps, as a crashed peer does), --trace (a line per step).
// Prints {"protocol": ...} once connected, then a JSON line per episode (steps, return, ledger head hash).
import WebSocket from 'ws';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
};
const url = option('url', 'http://127.0.0.1:8080').replace(/^http/, 'ws');
const key = option('key', process.env.DOPPEL_API_KEY ?? '');
const scenarioType = option('scenario', 'emergency_braking');
const speed = Number(option('speed', '60'));
const seed = Number(option('seed', '1'));
const episodes = Number(option('episodes', '1'));
const dt = Number(option('dt', '0.1'));
const controller = option('controller', 'time-gap');
const maxSteps = Number(option('max-steps', '0'));
const dropAfter = Number(option('drop-after', '0'));
const trace = args.includes('--trace');
if (key === '' || !['time-gap', 'brake', 'coast'].includes(controller) || !(episodes >= 1) || !(dt > 0)) {
  process.stderr.write(
    'external-controller: --key (or DOPPEL_API_KEY), --controller time-gap|brake|coast, --episodes >= 1\n',
  );
  process.exit(2);
}

/** The ego's wanted acceleration from what it observes (its own perception, not the truth). */
function decide(ego) {
  if (controller === 'brake') return -8;
  if (controller === 'coast') return 0;
  const ahead = ego.detections.filter((d) => Math.abs(d.bearing_deg) < 10 && d.range_rate_mps < 0);
  const nearest = ahead.reduce((best, d) => (best === null || d.range_m < best.range_m ? d : best), null);
  if (nearest === null) return Math.max(-2, Math.min(1.5, 0.3 * (speed / 3.6 - ego.speed_mps)));
  // Keep 1.8 s plus 5 m to the object ahead; close the gap error gently, the speed difference firmly.
  const wanted = 5 + 1.8 * ego.speed_mps;
  return Math.max(-9, Math.min(1.5, 0.25 * (nearest.range_m - wanted) + 0.9 * nearest.range_rate_mps));
}

const socket = new WebSocket(`${url}/api/v1/twin/step`, { headers: { authorization: `Bearer ${key}` } });
const frames = [];
const waiting = [];
socket.on('message', (data) => {
  const message = JSON.parse(String(data));
  const next = waiting.shift();
  if (next) next(message);
  else frames.push(message);
});
socket.on('error', (error) => {
  process.stderr.write(`external-controller: ${error.message}\n`);
  process.exit(1);
});
const receive = () => (frames.length > 0 ? Promise.resolve(frames.shift()) : new Promise((r) => waiting.push(r)));
const request = async (frame) => {
  socket.send(JSON.stringify(frame));
  const answer = await receive();
  if (answer.type === 'error') {
    process.stderr.write(`external-controller: ${answer.code} at ${answer.path}: ${answer.message}\n`);
    process.exit(1);
  }
  return answer;
};

const hello = await receive();
process.stdout.write(`${JSON.stringify({ protocol: hello.protocol })}\n`);
let stepsTaken = 0;
for (let e = 0; e < episodes; e++) {
  const scenario = { type: scenarioType, initial_speed: speed };
  let obs = await request({ type: 'reset', scenario, seed: seed + e, dt_s: dt });
  let total = 0;
  while (!obs.terminated && !obs.truncated && (maxSteps === 0 || obs.step < maxSteps)) {
    const ego = obs.vehicles.ego;
    const accel = Math.round(decide(ego) * 1000) / 1000;
    obs = await request({ type: 'step', actions: { ego: { accel_mps2: accel } } });
    total += obs.reward;
    stepsTaken += 1;
    if (trace) {
      const v = obs.vehicles.ego;
      process.stdout.write(
        `${JSON.stringify({ step: obs.step, t_s: obs.t_s, accel, speed_mps: v.speed_mps, reward: obs.reward })}\n`,
      );
    }
    if (dropAfter > 0 && stepsTaken >= dropAfter) {
      process.stdout.write(`${JSON.stringify({ dropped: obs.simulation_id, step: obs.step })}\n`);
      process.exit(3);
    }
  }
  const ego = obs.vehicles.ego;
  const summary = {
    episode: e,
    simulation_id: obs.simulation_id,
    seed: obs.seed,
    steps: obs.step,
    t_s: obs.t_s,
    return: Math.round(total * 1000) / 1000,
    terminated: obs.terminated,
    truncated: obs.truncated,
    status: ego.status,
    ledger_sha256: obs.ledger.sha256,
  };
  process.stdout.write(`${JSON.stringify(summary)}\n`);
}
socket.close(1000, 'done');
