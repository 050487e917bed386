export { systemClock, ManualClock, type Clock, type ManualClockOptions } from './clock.js';
