export { buildProgram, VERSION } from './program.js';
export { main } from './main.js';
