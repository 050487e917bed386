// Helpers that the tests of several packages share. Test code only: never imported by a package's src/.
export { startPeer, type PeerProcess } from './peer-process.js';
export { serviceAvailable } from './service.js';
export { writeFaultCount, writeFaultEnv, writeFaultLibrary, type WriteFault } from './write-faults.js';
