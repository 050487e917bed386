export type { RandomStream, RngAlgorithm } from './stream.js';
export { BaseRandomStream, lognormalParams, logGamma } from './stream.js';
export { Sfc32Stream, Xoshiro128Stream } from './generators.js';
export { createStream, createNamedStream, streamKey, RandomStreams, type RunSeed } from './factory.js';
export { RngError, type RngErrorCode } from './errors.js';
