// riskgate's public API for strategies and tools that use the engine as a library.
export * from './core/index.ts';
