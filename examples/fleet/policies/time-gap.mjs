// A driving policy for the fleet pack (see docs/fleet.md, "Your own driving policy"): toward the set speed within
// the posted limit, and behind anything confirmed in its lane, a 2 s time gap plus 4 m, braking along a comfortable
// curve for objects that stand still. Called at every model step with what the vehicle perceives.

const GAP_S = 2;
const STANDSTILL_GAP_M = 4;
const COMFORT_DECEL = 6;

export const policy = {
  decide(input) {
    const v = input.speed_mps;
    let accel = 0.8 * (Math.min(input.set_speed_mps, input.speed_limit_mps) - v);
    for (const track of input.tracks) {
      if (!track.confirmed || track.gap_m < 0 || Math.abs(track.offset_m) > 1.8) continue;
      const room = track.gap_m - STANDSTILL_GAP_M;
      const closing = v - Math.max(0, track.speed_mps);
      // The deceleration that stops the closing speed within the room left, and a gap-keeping term.
      const needed = closing > 0 ? -(closing * closing) / (2 * Math.max(room, 0.5)) : 0;
      const follow = 0.25 * (track.gap_m - STANDSTILL_GAP_M - GAP_S * v) + 0.7 * (track.speed_mps - v);
      accel = Math.min(accel, needed < -1 ? Math.max(needed * 1.2, -COMFORT_DECEL * 1.5) : follow);
    }
    return { accel_mps2: accel };
  },
};
